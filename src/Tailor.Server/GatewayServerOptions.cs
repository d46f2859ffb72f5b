using Tailor.Chat;
using Tailor.Gateway.Logging;

namespace Tailor.Server;

/// <summary>How the gateway listens and protects itself. The routes come from the spec; these are the host's settings.</summary>
/// <remarks>Immutable; read once when the gateway is built.</remarks>
public sealed record GatewayServerOptions
{
    /// <summary>Address to listen on, e.g. <c>http://127.0.0.1:8080</c>; port 0 picks a free one.</summary>
    public string Url { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Whether requests need an API key (<c>tailor keys create</c>). Off only for local experiments.</summary>
    public bool RequireKeys { get; init; } = true;

    /// <summary>How the spec's system prompt meets a system message the client sent.</summary>
    public SystemPromptMode PromptMode { get; init; } = SystemPromptMode.Prepend;

    /// <summary>Most shadow requests running at once; beyond it shadows are skipped.</summary>
    public int MaxShadowsInFlight { get; init; } = 32;

    public GroupCommitOptions Log { get; init; } = new();

    /// <summary>How long a graceful shutdown waits for requests, shadows and queued records.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Serve <c>GET /metrics</c> in the Prometheus format.</summary>
    public bool PrometheusMetrics { get; init; } = true;

    /// <summary>
    /// An OpenTelemetry collector to send the gateway's spans and metrics to over OTLP (HTTP/protobuf), e.g.
    /// <c>http://127.0.0.1:4318</c>; the signals go to its <c>v1/traces</c> and <c>v1/metrics</c>. Null: the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and its companions) when set, else no export and no per-request span at all.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>
    /// Run request handling on the socket's I/O thread instead of handing it to the thread pool (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>). Nothing on the request path blocks: the log is committed by its own writer,
    /// local models decode on their own thread, store writes of other endpoints leave the I/O thread first. Measured with
    /// <c>tailor serve</c>, which also completes socket operations inline (bench/results/gateway.md).
    /// </summary>
    public bool InlineScheduling { get; init; } = true;
}
