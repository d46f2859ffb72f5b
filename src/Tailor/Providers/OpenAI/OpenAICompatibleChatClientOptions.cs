using Tailor.Spec;

namespace Tailor.Providers.OpenAI;

/// <summary>How an <see cref="OpenAICompatibleChatClient"/> reaches its server and behaves when the server misbehaves.</summary>
/// <remarks>Immutable (derive variants with <c>with { … }</c>); read once by the client's constructor.</remarks>
public sealed record OpenAICompatibleChatClientOptions
{
    /// <summary>API root, e.g. <c>https://api.mistral.ai/v1</c> or <c>http://localhost:8080/v1</c>; <c>chat/completions</c> is appended.</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>Provider name used in messages and in <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/>.</summary>
    public string ProviderName { get; init; } = "openai-compatible";

    /// <summary>Bearer token; null sends no <c>Authorization</c> header (local servers).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Environment variable the key came from, named in error messages (the key itself never is).</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>Model id used when a request's <c>ChatOptions.ModelId</c> is null.</summary>
    public string? DefaultModelId { get; init; }

    /// <summary>Generation defaults (temperature, top_p, max tokens, seed, stop) under every request's own options.</summary>
    public ModelOptions GenerationDefaults { get; init; } = new();

    public ChatCompletionsDialect Dialect { get; init; } = ChatCompletionsDialect.OpenAICompatible;

    /// <summary>Longest wait for a TCP (and TLS) connection. Ignored when <see cref="HttpHandler"/> is set.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest wait for the response headers of one attempt. A non-streamed answer only starts once it is fully
    /// generated, so for those this bounds the whole generation; a stream is bounded by <see cref="StreamIdleTimeout"/> instead.
    /// </summary>
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest silence between two pieces of a response body; null uses <see cref="FirstByteTimeout"/>. There is no total timeout.</summary>
    public TimeSpan? StreamIdleTimeout { get; init; }

    /// <summary>Retries after 408, 429, 500, 502, 503, 504, connection failures and first-byte timeouts; 0 disables them.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Ceiling of any single wait, including one a server asks for with <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Handler for outgoing HTTP, not disposed by the client; null uses a process-wide pooled handler.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Clock for timeouts, backoff waits and <c>Retry-After</c> dates.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called before each retry wait (to log "rate-limited, retrying in 7s").</summary>
    public Func<ProviderRetryArguments, ValueTask>? OnRetry { get; init; }
}
