using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Store;

namespace Tailor.Gateway.Keys;

/// <summary>
/// Checks the key of each request against the store, with a short cache in front. The cache is what keeps a valid
/// key working through a database outage: a key seen recently is served from it (up to <see cref="StaleLimit"/>) when
/// the store cannot answer; a key never seen gets <see cref="StoreUnavailableException"/> (503), never "invalid" (401).
/// </summary>
/// <remarks>
/// Thread-safe. A revocation made elsewhere (<c>tailor keys revoke</c>, another gateway instance) takes effect within
/// <see cref="CacheTtl"/>. The raw key is never logged, stored or put in an exception; only the id is.
/// </remarks>
public sealed class KeyAuthenticator
{
    private readonly IApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (ApiKeyRecord Record, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    public KeyAuthenticator(IApiKeyStore store, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How long a key read from the store is trusted without asking again.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How old a cached key may be and still be served while the store is unavailable.</summary>
    public TimeSpan StaleLimit { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Checks the value of an <c>Authorization</c> header.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot answer and the key is not in the cache.</exception>
    public async ValueTask<KeyCheck> CheckAsync(string? authorization, CancellationToken cancellationToken = default)
    {
        const string bearer = "Bearer ";
        if (string.IsNullOrEmpty(authorization))
        {
            return new KeyCheck(KeyCheckStatus.Missing, null, null);
        }

        if (!authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
            || !ApiKeys.TryParse(authorization[bearer.Length..].Trim(), out string id, out string secret))
        {
            return new KeyCheck(KeyCheckStatus.Invalid, null, null);
        }

        var record = await LookUpAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || !ApiKeys.Verify(record, secret))
        {
            GatewayLog.KeyRefused(_logger, id, "unknown id or wrong secret");
            return new KeyCheck(KeyCheckStatus.Invalid, null, id);
        }

        var now = _time.GetUtcNow();
        if (record.RevokedAt is not null)
        {
            GatewayLog.KeyRefused(_logger, id, "revoked");
            return new KeyCheck(KeyCheckStatus.Revoked, null, id);
        }

        if (record.ExpiresAt is { } expires && expires <= now)
        {
            GatewayLog.KeyRefused(_logger, id, "expired");
            return new KeyCheck(KeyCheckStatus.Expired, null, id);
        }

        return new KeyCheck(KeyCheckStatus.Valid, record, id);
    }

    private async ValueTask<ApiKeyRecord?> LookUpAsync(string id, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        bool cached = _cache.TryGetValue(id, out var entry);
        if (cached && now - entry.FetchedAt < CacheTtl)
        {
            return entry.Record;
        }

        try
        {
            var record = await _store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                _cache.TryRemove(id, out _);
                return null;
            }

            _cache[id] = (record, now);
            return record;
        }
        catch (StoreUnavailableException) when (cached && now - entry.FetchedAt < StaleLimit)
        {
            GatewayLog.KeyFromStaleCache(_logger, id, (now - entry.FetchedAt).TotalSeconds);
            return entry.Record;
        }
    }
}
