using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Tailor.Store;

namespace Tailor.Gateway.Keys;

/// <summary>
/// Makes and checks the gateway's API keys. A key reads <c>tlr_&lt;id&gt;_&lt;secret&gt;</c>: a 12-character public id
/// (recorded with interactions, shown by <c>tailor keys list</c>) and a 256-bit secret. Only the SHA-256 of the secret
/// is stored; a slow password hash would add nothing for a random 256-bit secret and would cost every request.
/// Comparison is constant-time.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ApiKeys
{
    /// <summary>The prefix every key starts with, so secret scanners and people recognise one.</summary>
    public const string Prefix = "tlr_";

    private const string IdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private const int IdLength = 12;
    private const int SecretBytes = 32;

    /// <summary>A new key: the record to store and the key to show once.</summary>
    public static (ApiKeyRecord Record, string Key) Create(string name, DateTimeOffset now, int? requestsPerMinute = null,
        int? tokensPerMinute = null, long? tokenQuota = null, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        string secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var record = new ApiKeyRecord
        {
            Id = id,
            Name = name.Trim(),
            SecretHash = Hash(secret),
            CreatedAt = now,
            ExpiresAt = expiresAt,
            RequestsPerMinute = requestsPerMinute,
            TokensPerMinute = tokensPerMinute,
            TokenQuota = tokenQuota,
        };
        return (record, $"{Prefix}{id}_{secret}");
    }

    /// <summary>Splits a presented key into id and secret; false when it does not have the shape of a Tailor key.</summary>
    public static bool TryParse(string? key, out string id, out string secret)
    {
        id = secret = "";
        if (key is null || key.Length != Prefix.Length + IdLength + 1 + 43 || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        id = key.Substring(Prefix.Length, IdLength);
        secret = key[(Prefix.Length + IdLength + 1)..];
        return id.All(c => IdAlphabet.Contains(c, StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="secret"/> is the secret of <paramref name="record"/>, in time independent of where they differ.</summary>
    public static bool Verify(ApiKeyRecord record, string secret)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(secret);
        return CryptographicOperations.FixedTimeEquals(Hash(secret), record.SecretHash);
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
