using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tailor.Gateway;

/// <summary>
/// The gateway's traces and metrics, named after the OpenTelemetry GenAI semantic conventions where one exists:
/// <c>gen_ai.server.request.duration</c> and <c>gen_ai.server.time_to_first_token</c> (seconds) and
/// <c>gen_ai.server.token.usage</c> (by <c>gen_ai.token.type</c>), each tagged with <c>gen_ai.operation.name</c>,
/// <c>gen_ai.request.model</c> (the route), <c>gen_ai.response.model</c>, <c>gen_ai.provider.name</c>,
/// <c>tailor.route</c>, <c>tailor.target</c> and <c>error.type</c>. Per-model client metrics
/// (<c>gen_ai.client.*</c>) come from Microsoft.Extensions.AI's OpenTelemetry client on each model's pipeline, under
/// <see cref="ModelsSourceName"/>. Plus the log's health: queue depth, records written, fallbacks, refusals.
/// </summary>
/// <remarks>Thread-safe. Instruments cost nothing until a listener (OpenTelemetry, dotnet-counters) subscribes.</remarks>
public sealed class GatewayTelemetry : IDisposable
{
    /// <summary>ActivitySource and Meter name of the gateway's own telemetry.</summary>
    public const string SourceName = "Tailor.Gateway";

    /// <summary>ActivitySource and Meter name of the per-model <c>gen_ai.client.*</c> telemetry.</summary>
    public const string ModelsSourceName = "Tailor.Gateway.Models";

    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<long> _tokens;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _refused;

    public GatewayTelemetry(Func<int> queueDepth, Func<long> recordsWritten)
    {
        ArgumentNullException.ThrowIfNull(queueDepth);
        ArgumentNullException.ThrowIfNull(recordsWritten);
        ActivitySource = new ActivitySource(SourceName);
        _meter = new Meter(SourceName);
        _duration = _meter.CreateHistogram("gen_ai.server.request.duration", "s", "Time the gateway took to answer a chat request, end to end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _timeToFirstToken = _meter.CreateHistogram("gen_ai.server.time_to_first_token", "s", "Time from the request to the first token of a streamed answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _tokens = _meter.CreateHistogram("gen_ai.server.token.usage", "{token}", "Tokens used per request, by gen_ai.token.type (input, output).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _fallbacks = _meter.CreateCounter<long>("tailor.gateway.fallbacks", "{fallback}", "Requests moved to a route's next model after a failure.");
        _refused = _meter.CreateCounter<long>("tailor.gateway.refused", "{request}", "Requests refused before reaching a model, by reason.");
        _meter.CreateObservableGauge("tailor.gateway.log.queue_depth", queueDepth, "{record}", "Interaction records waiting to be committed.");
        _meter.CreateObservableCounter("tailor.gateway.log.records_written", recordsWritten, "{record}", "Interaction records committed to the store.");
    }

    /// <summary>Spans of gateway requests (<c>chat {route}</c>).</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>Records one finished request.</summary>
    public void RecordRequest(string route, string? target, string? provider, string? responseModel, double seconds, double? ttftSeconds,
        long? inputTokens, long? outputTokens, string? errorType)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.request.model", route },
            { "tailor.route", route },
        };
        if (target is not null)
        {
            tags.Add("tailor.target", target);
        }

        if (provider is not null)
        {
            tags.Add("gen_ai.provider.name", provider);
        }

        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        _duration.Record(seconds, tags);
        if (ttftSeconds is { } ttft)
        {
            _timeToFirstToken.Record(ttft, tags);
        }

        if (inputTokens is { } input)
        {
            var inputTags = tags;
            inputTags.Add("gen_ai.token.type", "input");
            _tokens.Record(input, inputTags);
        }

        if (outputTokens is { } output)
        {
            var outputTags = tags;
            outputTags.Add("gen_ai.token.type", "output");
            _tokens.Record(output, outputTags);
        }
    }

    public void RecordFallback(string route, string from, string to) =>
        _fallbacks.Add(1, new TagList { { "tailor.route", route }, { "tailor.from", from }, { "tailor.to", to } });

    public void RecordRefused(string reason) => _refused.Add(1, new TagList { { "tailor.reason", reason } });

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
