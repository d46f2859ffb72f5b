using System.Net;
using System.Text;
using System.Text.Json;
using Tailor.Store;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>
/// Faults of a scriptable upstream (429, 5xx, a hang before the first token, a stream cut or stalled midway, the client
/// leaving): the route falls back exactly when it may (before the first token, on 429/5xx/timeouts) and the log says
/// what happened.
/// </summary>
public sealed class GatewayFallbackTests
{
    private static StringContent Request(bool stream, string text = "Hello there") => new(
        $$"""{"model":"support","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{text}}"}]}""",
        Encoding.UTF8, "application/json");

    private static async Task<Interaction> RecordOf(GatewayFixture gw, HttpResponseMessage response) =>
        (await gw.Store.GetAsync(Assert.Single(response.Headers.GetValues("x-tailor-interaction-id"))))!;

    public static TheoryData<string, bool> Retryable => new()
    {
        { "429", false }, { "429", true }, { "500", false }, { "503", true }, { "hang", false }, { "hang", true }, { "cut-before-first-token", true },
    };

    [Theory]
    [MemberData(nameof(Retryable))]
    public async Task A_retryable_failure_before_the_first_token_falls_back_and_the_log_names_both_models(string fault, bool stream)
    {
        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(fault switch
        {
            "429" => FakeReply.RateLimited(TimeSpan.FromSeconds(30)),
            "500" => FakeReply.Error(500, "internal error"),
            "503" => FakeReply.Error(503, "overloaded"),
            "hang" => FakeReply.HangBeforeHeaders(),
            _ => FakeReply.Text("never seen") with { CutAfterChunks = 1 },
        });
        gw.Backup.Enqueue(FakeReply.Text("Backup answer."));

        using var response = await gw.Http.PostAsync("v1/chat/completions", Request(stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        string text = stream
            ? SseBody.Parse(body).Text
            : JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal("Backup answer.", text);
        if (stream)
        {
            Assert.True(SseBody.Parse(body).Done);
        }

        var record = await RecordOf(gw, response);
        Assert.Equal(InteractionStatus.Ok, record.Status);
        Assert.Equal("small-model", record.ModelId);
        Assert.Equal("Backup answer.", Assert.Single(record.Response).Text);
        var routing = GatewayApiTests.Routing(record);
        Assert.Equal("backup", routing.GetProperty("target").GetString());
        var attempt = Assert.Single(routing.GetProperty("attempts").EnumerateArray());
        Assert.Equal("baseline", attempt.GetProperty("model").GetString());
        Assert.Single(gw.Primary.Requests);
        Assert.Single(gw.Backup.Requests);
    }

    [Theory]
    [InlineData("cut")]
    [InlineData("stall")]
    public async Task A_stream_that_fails_after_its_first_token_is_not_continued_by_another_model_and_is_logged_with_its_partial_answer(string fault)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var reply = FakeReply.Text("one two three four five six");
        gw.Primary.Enqueue(fault == "cut" ? reply with { CutAfterChunks = 4 } : reply with { StallAfterChunks = 4 });

        using var response = await gw.Http.PostAsync("v1/chat/completions", Request(stream: true));
        var sse = SseBody.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(sse.Done);
        var error = Assert.Single(sse.Errors).GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("127.0.0.1", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("one two", sse.Text, StringComparison.Ordinal);
        Assert.Empty(gw.Backup.Requests);

        var record = await RecordOf(gw, response);
        Assert.Equal(InteractionStatus.Error, record.Status);
        Assert.Equal(sse.Text, Assert.Single(record.Response).Text);
        Assert.NotNull(record.Error);
    }

    [Fact]
    public async Task A_request_the_model_refuses_is_not_retried_elsewhere_and_its_reason_reaches_the_client()
    {
        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(FakeReply.Error(400, "This model's maximum context length is 8192 tokens.", "invalid_request_error", "messages"));

        using var response = await gw.Http.PostAsync("v1/chat/completions", Request(stream: false));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("maximum context length", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(gw.Backup.Requests);
        Assert.Equal(InteractionStatus.Error, (await RecordOf(gw, response)).Status);
    }

    [Fact]
    public async Task When_every_model_fails_the_client_gets_a_gateway_error_and_the_log_has_every_attempt()
    {
        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(FakeReply.Error(502, "bad gateway"));
        gw.Backup.Enqueue(FakeReply.Error(500, "boom"));

        using var response = await gw.Http.PostAsync("v1/chat/completions", Request(stream: true));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        var record = await RecordOf(gw, response);
        Assert.Equal(InteractionStatus.Error, record.Status);
        Assert.Equal("backup", GatewayApiTests.Routing(record).GetProperty("target").GetString());
        Assert.Single(GatewayApiTests.Routing(record).GetProperty("attempts").EnumerateArray());
        Assert.Equal("small-model", record.ModelId); // the last model tried, not the route's name
    }

    [Fact]
    public async Task A_route_without_fallbacks_passes_an_upstream_rate_limit_on_as_429()
    {
        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(FakeReply.RateLimited());

        using var response = await gw.Http.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"solo","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_stream_the_client_abandons_is_logged_as_cancelled_with_what_was_sent()
    {
        // A long upstream timeout: the record must say "cancelled" because the client left, not because the model stalled.
        await using var gw = await GatewayFixture.StartAsync(timeout: "60s");
        gw.Primary.Enqueue(FakeReply.Text("alpha beta gamma delta") with { StallAfterChunks = 3 });

        string id;
        // No draining of the unread body on dispose: the connection closes at once, as a browser's would.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = gw.Gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", gw.Key);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Request(stream: true) })
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            id = Assert.Single(response.Headers.GetValues("x-tailor-interaction-id"));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("alpha", StringComparison.Ordinal))
            {
            }
            // Leaving the using blocks closes the connection mid-stream, as a browser tab closing would.
        }

        Interaction? record = null;
        for (int i = 0; i < 200 && record is null; i++)
        {
            record = await gw.Store.GetAsync(id);
            await Task.Delay(50);
        }

        Assert.NotNull(record);
        Assert.Equal(InteractionStatus.Cancelled, record.Status);
        Assert.StartsWith("alpha", Assert.Single(record.Response).Text, StringComparison.Ordinal);
        Assert.True(record.Streamed);
        // The usage chunk never came: the partial answer's tokens are estimated from its chunks, and marked so.
        Assert.True(record.OutputTokens >= 1);
        Assert.True(System.Text.Json.JsonDocument.Parse(record.MetadataJson!).RootElement.GetProperty("usage_estimated").GetBoolean());
    }
}
