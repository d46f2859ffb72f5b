using System.Data.Common;

namespace Tailor.Store.Relational;

/// <summary>The <c>api_keys</c> table as SQL both stores share.</summary>
internal static class ApiKeyRows
{
    public const string Insert = """
        INSERT INTO api_keys (id, name, secret_hash, created_at_ms, expires_at_ms, revoked_at_ms,
            requests_per_minute, tokens_per_minute, token_quota, tokens_used, last_used_at_ms)
        VALUES (@id, @name, @hash, @created, @expires, @revoked, @rpm, @tpm, @quota, @used, @last_used)
        """;

    public const string Select = """
        SELECT id, name, secret_hash, created_at_ms, expires_at_ms, revoked_at_ms,
               requests_per_minute, tokens_per_minute, token_quota, tokens_used, last_used_at_ms
        FROM api_keys
        """;

    public const string Revoke = "UPDATE api_keys SET revoked_at_ms = @at WHERE id = @id AND revoked_at_ms IS NULL";

    public static void Bind(DbCommand command, ApiKeyRecord key)
    {
        InteractionRows.Add(command, "@id", key.Id);
        InteractionRows.Add(command, "@name", key.Name);
        InteractionRows.Add(command, "@hash", key.SecretHash);
        InteractionRows.Add(command, "@created", key.CreatedAt.ToUnixTimeMilliseconds());
        InteractionRows.Add(command, "@expires", key.ExpiresAt?.ToUnixTimeMilliseconds());
        InteractionRows.Add(command, "@revoked", key.RevokedAt?.ToUnixTimeMilliseconds());
        InteractionRows.Add(command, "@rpm", key.RequestsPerMinute);
        InteractionRows.Add(command, "@tpm", key.TokensPerMinute);
        InteractionRows.Add(command, "@quota", key.TokenQuota);
        InteractionRows.Add(command, "@used", key.TokensUsed);
        InteractionRows.Add(command, "@last_used", key.LastUsedAt?.ToUnixTimeMilliseconds());
    }

    public static ApiKeyRecord Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        SecretHash = (byte[])reader.GetValue(2),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        ExpiresAt = Time(reader, 4),
        RevokedAt = Time(reader, 5),
        RequestsPerMinute = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        TokensPerMinute = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        TokenQuota = reader.IsDBNull(8) ? null : reader.GetInt64(8),
        TokensUsed = reader.GetInt64(9),
        LastUsedAt = Time(reader, 10),
    };

    private static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
