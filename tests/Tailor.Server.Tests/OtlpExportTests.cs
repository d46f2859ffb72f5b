using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tailor.Server.Tests;

/// <summary>Spans and metrics sent over OTLP/HTTP to a collector on loopback that follows the OTLP/HTTP contract.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_a_collector_the_gateway_sends_its_request_spans_and_metrics_over_OTLP()
    {
        await using var collector = await OtlpCollector.StartAsync();
        string id;
        await using (var gw = await GatewayFixture.StartAsync(options: new GatewayServerOptions { OtlpEndpoint = collector.Address }))
        {
            using var response = await gw.Http.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"solo","messages":[{"role":"user","content":"Where is my invoice?"}]}""", Encoding.UTF8, "application/json"),
                TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            id = Assert.Single(response.Headers.GetValues("x-tailor-interaction-id"));
        } // stopping the gateway flushes both exporters

        // OTLP/protobuf carries strings as UTF-8 bytes: the span's name, its interaction id and the service are readable.
        var traces = collector.Received("/v1/traces");
        Assert.True(traces.Count > 0, "received: " + string.Join(", ", collector.All()));
        Assert.All(traces, export => Assert.Equal("application/x-protobuf", export.ContentType));
        string spans = string.Concat(traces.Select(t => Encoding.UTF8.GetString(t.Body)));
        Assert.Contains("chat solo", spans, StringComparison.Ordinal);
        Assert.Contains(id, spans, StringComparison.Ordinal);
        Assert.Contains("tailor-gateway", spans, StringComparison.Ordinal);
        Assert.DoesNotContain("Where is my invoice?", spans, StringComparison.Ordinal);

        string metrics = string.Concat(collector.Received("/v1/metrics").Select(m => Encoding.UTF8.GetString(m.Body)));
        Assert.Contains("gen_ai.server.request.duration", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_collector_the_upstream_call_carries_the_trace_context()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var gw = await GatewayFixture.StartAsync(options: new GatewayServerOptions { OtlpEndpoint = collector.Address });
        using var response = await gw.Http.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"solo","messages":[{"role":"user","content":"Where is my invoice?"}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", Assert.Single(gw.Primary.Requests).Headers["traceparent"]);
    }

    // In this class, not beside the other gateway tests: a collector's listeners are process-wide while it runs, and
    // the tests of one class run one after another.
    [Fact]
    public async Task Without_a_collector_no_trace_context_goes_upstream()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var response = await gw.Http.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"solo","messages":[{"role":"user","content":"Where is my invoice?"}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = Assert.Single(gw.Primary.Requests);
        Assert.False(upstream.Headers.ContainsKey("traceparent"), "traceparent: " + upstream.Headers.GetValueOrDefault("traceparent"));
        Assert.False(upstream.Headers.ContainsKey("tracestate"));
    }

    /// <summary>The receiving end of OTLP/HTTP: POST protobuf to /v1/traces or /v1/metrics, answer 200.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _exports = new();

        private OtlpCollector(WebApplication app) => _app = app;

        public Uri Address { get; private set; } = null!;

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                collector._exports.Enqueue((http.Request.Path, http.Request.ContentType, body.ToArray()));
                http.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            collector.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return collector;
        }

        public List<(string ContentType, byte[] Body)> Received(string path) =>
            [.. _exports.Where(e => e.Path == path).Select(e => (e.ContentType ?? "", e.Body))];

        public IEnumerable<string> All() => _exports.Select(e => e.Path + " " + e.Body.Length);

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
