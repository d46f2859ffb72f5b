namespace Tailor.Tuning.Backends;

/// <summary>
/// How a hosted tuning backend reaches its vendor: the default API root and key variable (a job may name others),
/// where keys are read from, and the HTTP behaviour. Immutable.
/// </summary>
public sealed record HostedTuningOptions
{
    /// <summary>The API root when a job names none, e.g. <c>https://api.mistral.ai/v1/</c>.</summary>
    public required Uri DefaultBaseUri { get; init; }

    /// <summary>The variable holding the key when a job names none.</summary>
    public required string DefaultKeyVariable { get; init; }

    /// <summary>Reads environment variables (keys are never stored, only the variable's name).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>A handler for tests or proxies; null uses a shared pooled one.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Retries on 408, 429, 5xx and connection failures (honouring <c>Retry-After</c>).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay when the server names none; doubles with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for one request's whole answer (uploads included).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Price per million training tokens by base model, overriding the built-in list (a vendor's price list changes).</summary>
    public IReadOnlyDictionary<string, decimal> PricePerMillionTokens { get; init; } = new Dictionary<string, decimal>(StringComparer.Ordinal);
}
