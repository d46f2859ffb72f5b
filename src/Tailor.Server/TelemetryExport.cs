using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tailor.Gateway;

namespace Tailor.Server;

/// <summary>
/// Where the gateway's OpenTelemetry signals go: metrics to <c>GET /metrics</c> (Prometheus) and, when a collector is
/// configured, spans (the HTTP request, the gateway's <c>chat {route}</c>, each model's pipeline and upstream call) and
/// metrics over OTLP. Without a collector requests start no activity at all, and no trace context goes upstream.
/// </summary>
internal static class TelemetryExport
{
    private const string ServiceName = "tailor-gateway";
    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Call after the caller's own logging configuration: without a collector it silences one category.</summary>
    public static void Add(IServiceCollection services, ILoggingBuilder logging, GatewayServerOptions options)
    {
        bool otlp = options.OtlpEndpoint is not null || CollectorFromEnvironment();
        if (!otlp)
        {
            // ASP.NET Core starts an Activity for every request while this logger is enabled, even with nobody
            // recording it; HttpClient then sends its traceparent to the model vendor. Above warning it logs only
            // start-up failures, which StartAsync throws anyway. Without the activity the gateway serves ~6% more
            // requests/s (bench/results/gateway.md, run 23).
            logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }

        if (!options.PrometheusMetrics && !otlp)
        {
            return;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            // OTEL_SERVICE_NAME, when set, names the service instead.
            if (Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is null)
            {
                resource.AddService(ServiceName);
            }
        });
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(GatewayTelemetry.SourceName, GatewayTelemetry.ModelsSourceName);
            if (options.PrometheusMetrics)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp)
            {
                metrics.AddOtlpExporter(exporter => Point(exporter, options.OtlpEndpoint, "v1/metrics"));
            }
        });
        if (otlp)
        {
            // The server span is the root the gateway's spans hang from (without it they would inherit the unsampled
            // request activity ASP.NET Core starts anyway, and be dropped); the client spans time each upstream call.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation()
                .AddSource(GatewayTelemetry.SourceName, GatewayTelemetry.ModelsSourceName)
                .AddOtlpExporter(exporter => Point(exporter, options.OtlpEndpoint, "v1/traces")));
        }
    }

    // With an endpoint in code the exporter posts to exactly that URL, so the signal's path is added here
    // (from OTEL_EXPORTER_OTLP_ENDPOINT the exporter adds it itself).
    private static void Point(OtlpExporterOptions exporter, Uri? collector, string signalPath)
    {
        if (collector is null)
        {
            return;
        }

        var root = collector.AbsoluteUri.EndsWith('/') ? collector : new Uri(collector.AbsoluteUri + "/");
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = new Uri(root, signalPath);
    }

    // The collector for both signals; a per-signal variable alone would also switch on the other signal's exporter,
    // pointed at the SDK's default address.
    private static bool CollectorFromEnvironment() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
}
