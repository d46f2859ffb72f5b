using System.Security.Cryptography;

namespace Tailor.Store;

/// <summary>
/// Makes ULIDs: 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters.
/// They sort by creation time, so ids from one generator name records in the order they were made.
/// </summary>
/// <remarks>Thread-safe. Ids made within the same millisecond by one generator stay strictly increasing.</remarks>
public sealed class UlidGenerator
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _lastMs = -1;
    private readonly byte[] _lastRandom = new byte[10];

    public UlidGenerator(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>A shared generator on the system clock.</summary>
    public static UlidGenerator Default { get; } = new();

    public string Next()
    {
        long ms = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[10];
        lock (_gate)
        {
            if (ms <= _lastMs)
            {
                // Same (or earlier) millisecond: increment the previous random part so order holds.
                ms = _lastMs;
                for (int i = 9; i >= 0 && ++_lastRandom[i] == 0; i--) { }
            }
            else
            {
                _lastMs = ms;
                RandomNumberGenerator.Fill(_lastRandom);
            }
            _lastRandom.CopyTo(random);
        }
        return Encode(ms, random);
    }

    private static string Encode(long ms, ReadOnlySpan<byte> random)
    {
        Span<char> chars = stackalloc char[26];
        // 10 characters of time (50 bits, top 2 always zero for 48-bit time).
        for (int i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }
        // 16 characters of randomness: 80 bits read 5 at a time.
        int bitPos = 0;
        for (int i = 10; i < 26; i++)
        {
            int value = 0;
            for (int b = 0; b < 5; b++, bitPos++)
            {
                int bit = (random[bitPos / 8] >> (7 - bitPos % 8)) & 1;
                value = (value << 1) | bit;
            }
            chars[i] = Alphabet[value];
        }
        return new string(chars);
    }

    /// <summary>The creation time encoded in a ULID.</summary>
    public static DateTimeOffset GetTimestamp(string ulid)
    {
        ArgumentNullException.ThrowIfNull(ulid);
        if (ulid.Length != 26)
        {
            throw new FormatException($"'{ulid}' is not a ULID: expected 26 characters.");
        }
        long ms = 0;
        for (int i = 0; i < 10; i++)
        {
            int v = Alphabet.IndexOf(char.ToUpperInvariant(ulid[i]), StringComparison.Ordinal);
            if (v < 0)
            {
                throw new FormatException($"'{ulid}' is not a ULID: '{ulid[i]}' is not Crockford base32.");
            }
            ms = (ms << 5) | (long)v;
        }
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
