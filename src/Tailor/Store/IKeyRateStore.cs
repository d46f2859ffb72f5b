namespace Tailor.Store;

/// <summary>
/// Per-key request and token counts by minute, kept where every gateway instance sees them (a shared database), so a
/// key's per-minute limits hold across instances instead of per process. Tokens are added when the interactions that
/// used them are written; requests are counted at admission.
/// </summary>
public interface IKeyRateStore
{
    /// <summary>
    /// Counts one request for <paramref name="keyId"/> at <paramref name="at"/> unless the sliding minute that ends then
    /// already holds <paramref name="requestsPerMinute"/> requests or <paramref name="tokensPerMinute"/> tokens (a limit
    /// that is null is not checked). The sliding minute weighs the previous calendar minute by the part of it still
    /// inside the window.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The database cannot be reached.</exception>
    Task<KeyRateDecision> TryTakeRequestAsync(string keyId, DateTimeOffset at, int? requestsPerMinute, long? tokensPerMinute, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IKeyRateStore.TryTakeRequestAsync"/> decided, with the sliding minute's counts it saw (this request included when admitted).</summary>
public readonly record struct KeyRateDecision(bool Admitted, double Requests, double Tokens, TimeSpan RetryAfter);
