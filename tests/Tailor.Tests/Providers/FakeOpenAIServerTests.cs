using System.Net;
using System.Text;
using System.Text.Json;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

/// <summary>The fake follows OpenAI's contract when spoken to with a plain HttpClient, not only with our client.</summary>
public sealed class FakeOpenAIServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unscripted_it_echoes_with_word_counted_usage()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(server.BaseUrl, "chat/completions"), Json("""{"model":"m1","messages":[{"role":"system","content":"be terse"},{"role":"user","content":"hi there"}]}"""), Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = body.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("m1", root.GetProperty("model").GetString());
        Assert.Equal("echo: hi there", root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(4, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_stream_has_role_content_finish_and_usage_chunks_then_done()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(server.BaseUrl, "chat/completions"), Json("""{"messages":[{"role":"user","content":"a b"}],"stream":true,"stream_options":{"include_usage":true}}"""), Ct);
        var events = (await response.Content.ReadAsStringAsync(Ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("echo: a b", string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out _))
            .Select(d => d.GetProperty("content").GetString())));
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(2, chunks[^1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_are_listed_and_requests_recorded_with_headers()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Models = ["a", "b"];
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "models"));
        request.Headers.Add("X-Test", "yes");

        using var response = await http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(["a", "b"], body.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var recorded = Assert.Single(server.Requests);
        Assert.Equal("GET", recorded.Method);
        Assert.Equal("/v1/models", recorded.Path);
        Assert.Equal("yes", recorded.Headers["x-test"]);
    }

    [Fact]
    public async Task Scripted_replies_go_in_order_before_the_responder()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("first"), FakeReply.Error(418, "teapot"));
        server.Responder = request => FakeReply.Text($"responder saw {request.Number}");
        using var http = new HttpClient();

        var texts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync(new Uri(server.BaseUrl, "chat/completions"), Json("""{"messages":[]}"""), Ct);
            texts.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        Assert.StartsWith("200 ", texts[0], StringComparison.Ordinal);
        Assert.Contains("\"first\"", texts[0], StringComparison.Ordinal);
        Assert.Equal("""418 {"error":{"message":"teapot","type":null,"param":null,"code":null}}""", texts[1]);
        Assert.Contains("responder saw 3", texts[2], StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
