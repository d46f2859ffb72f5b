using System.Collections.Concurrent;
using Tailor.Store;

namespace Tailor.Gateway.Keys;

/// <summary>Why a request was refused by <see cref="KeyLimiter"/>, and when to try again.</summary>
public sealed record LimitRefusal(string Code, string Message, TimeSpan RetryAfter);

/// <summary>
/// Per-key admission: requests per minute and tokens per minute (token buckets that refill continuously), and the
/// key's lifetime token quota. Tokens are known only once an answer is complete, so a request is admitted while the
/// key's token bucket is positive and its tokens are charged afterwards (<see cref="Charge"/>): one request can
/// overshoot the per-minute limit, never more than one per concurrent request.
/// </summary>
/// <remarks>
/// Thread-safe. With a store that keeps shared counts (<see cref="IKeyRateStore"/>, PostgreSQL), the per-minute limits
/// are decided there, across every gateway instance on the database (<see cref="TryAdmitAsync"/>); while the store is
/// out of reach (asked again <see cref="SharedRetryDelay"/> after it failed), and with a store of one process (SQLite),
/// this process's own buckets decide. The quota is read from the store (<see cref="ApiKeyRecord.TokensUsed"/>, updated
/// with each recorded interaction) plus what this process charged since, so it holds across instances up to the
/// authenticator's cache time.
/// </remarks>
public sealed class KeyLimiter
{
    private readonly TimeProvider _time;
    private readonly IKeyRateStore? _shared;
    private readonly ConcurrentDictionary<string, KeyState> _states = new(StringComparer.Ordinal);
    private long _sharedRetryAt = long.MinValue;

    /// <summary>How long the buckets of this process decide alone after the shared counts were out of reach.</summary>
    public static readonly TimeSpan SharedRetryDelay = TimeSpan.FromSeconds(5);

    public KeyLimiter(TimeProvider? timeProvider = null, IKeyRateStore? shared = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _shared = shared;
    }

    /// <summary>
    /// Admits one request: the quota, then the per-minute limits, shared across instances when the store keeps them.
    /// Null when admitted, else why not.
    /// </summary>
    public async ValueTask<LimitRefusal?> TryAdmitAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Without a limit per minute there is nothing to share; after a failed attempt, each request would otherwise
        // wait out the database's connect timeout before the buckets decide.
        if (_shared is null || (key.RequestsPerMinute is null && key.TokensPerMinute is null)
            || _time.GetTimestamp() < Interlocked.Read(ref _sharedRetryAt))
        {
            return TryAdmit(key);
        }

        if (QuotaRefusal(key, _states.GetOrAdd(key.Id, _ => new KeyState())) is { } overQuota)
        {
            return overQuota;
        }

        KeyRateDecision decision;
        try
        {
            decision = await _shared.TryTakeRequestAsync(key.Id, _time.GetUtcNow(), key.RequestsPerMinute, key.TokensPerMinute, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // The shared counts are out of reach: this process's buckets decide, and the store is asked again later.
            Interlocked.Exchange(ref _sharedRetryAt, _time.GetTimestamp() + (long)(SharedRetryDelay.TotalSeconds * _time.TimestampFrequency));
            return TryAdmit(key);
        }

        return decision.Admitted ? null
            : key.RequestsPerMinute is { } rpm && decision.Requests > rpm ? RequestRate(rpm, decision.RetryAfter)
            : TokenRate(key.TokensPerMinute!.Value, decision.RetryAfter);
    }

    /// <summary>Takes one request from the key's allowance; null when admitted, else why not.</summary>
    public LimitRefusal? TryAdmit(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var state = _states.GetOrAdd(key.Id, _ => new KeyState());
        long now = _time.GetTimestamp();
        lock (state)
        {
            state.Refill(key, now, _time);
            if (QuotaRefusal(key, state) is { } overQuota)
            {
                return overQuota;
            }

            if (key.RequestsPerMinute is { } rpm && state.Requests < 1)
            {
                return RequestRate(rpm, Wait(1 - state.Requests, rpm));
            }

            if (key.TokensPerMinute is { } tpm && state.Tokens <= 0)
            {
                return TokenRate(tpm, Wait(1 - state.Tokens, tpm));
            }

            if (key.RequestsPerMinute is not null)
            {
                state.Requests -= 1;
            }

            return null;
        }
    }

    /// <summary>Charges the tokens a finished request used.</summary>
    public void Charge(ApiKeyRecord key, long tokens)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (tokens <= 0)
        {
            return;
        }

        var state = _states.GetOrAdd(key.Id, _ => new KeyState());
        lock (state)
        {
            state.Refill(key, _time.GetTimestamp(), _time);
            if (key.TokensPerMinute is not null)
            {
                state.Tokens -= tokens;
            }

            // Charges since the store last told us this key's usage: a fresher record resets them.
            if (state.UsageBase != key.TokensUsed)
            {
                state.UsageBase = key.TokensUsed;
                state.ChargedSinceBase = 0;
            }

            state.ChargedSinceBase += tokens;
        }
    }

    private static LimitRefusal? QuotaRefusal(ApiKeyRecord key, KeyState state)
    {
        lock (state)
        {
            return key.TokenQuota is { } quota && UsedTokens(key, state) >= quota
                ? new LimitRefusal("insufficient_quota",
                    $"This key has used its quota of {quota} tokens. Ask the gateway's operator for a new key or a larger quota.", TimeSpan.FromHours(1))
                : null;
        }
    }

    private static LimitRefusal RequestRate(int rpm, TimeSpan retryAfter) =>
        new("rate_limit_exceeded", $"Rate limit reached: {rpm} requests per minute for this key.", retryAfter);

    private static LimitRefusal TokenRate(long tpm, TimeSpan retryAfter) =>
        new("rate_limit_exceeded", $"Rate limit reached: {tpm} tokens per minute for this key.", retryAfter);

    private static long UsedTokens(ApiKeyRecord key, KeyState state) =>
        key.TokensUsed + (state.UsageBase == key.TokensUsed ? state.ChargedSinceBase : 0);

    private static TimeSpan Wait(double missing, int perMinute) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(missing * 60.0 / perMinute)));

    private sealed class KeyState
    {
        private long _lastRefill = -1;

        public double Requests { get; set; }
        public double Tokens { get; set; }
        public long UsageBase { get; set; } = -1;
        public long ChargedSinceBase { get; set; }

        public void Refill(ApiKeyRecord key, long now, TimeProvider time)
        {
            if (_lastRefill < 0)
            {
                Requests = key.RequestsPerMinute ?? 0;
                Tokens = key.TokensPerMinute ?? 0;
                _lastRefill = now;
                return;
            }

            double minutes = time.GetElapsedTime(_lastRefill, now).TotalMinutes;
            _lastRefill = now;
            if (key.RequestsPerMinute is { } rpm)
            {
                Requests = Math.Min(rpm, Requests + minutes * rpm);
            }

            if (key.TokensPerMinute is { } tpm)
            {
                Tokens = Math.Min(tpm, Tokens + minutes * tpm);
            }
        }
    }
}
