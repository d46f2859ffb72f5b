namespace Tailor.Moderation.Remote;

/// <summary>How a vendor moderation classifier reaches its API.</summary>
/// <remarks>Immutable; read once by the classifier's constructor.</remarks>
public sealed record RemoteModerationOptions
{
    /// <summary>API root, e.g. <c>https://api.mistral.ai/v1</c>; null uses the vendor's.</summary>
    public Uri? BaseUri { get; init; }

    /// <summary>Bearer key; keys come from the environment, never from tailor.yaml.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The environment variable the key came from, named in error messages (the key never is).</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>The vendor's moderation model; null uses the vendor's latest.</summary>
    public string? Model { get; init; }

    /// <summary>Longest wait for one attempt's answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after 429, 5xx and timeouts, honouring <c>Retry-After</c>.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; later ones double, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Handler for outgoing HTTP, not disposed by the classifier; null uses a process-wide pooled one.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
