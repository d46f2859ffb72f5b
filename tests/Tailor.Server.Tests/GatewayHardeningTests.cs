using System.Net;
using System.Text;
using System.Text.Json;
using Tailor.Server;

namespace Tailor.Server.Tests;

/// <summary>Hostile and careless input: bad JSON, wrong types, huge bodies, bad keys, limits. Errors in OpenAI's shape, naming the field, never a stack trace or a key.</summary>
public sealed class GatewayHardeningTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonElement Error, string Raw)> PostAsync(HttpClient client, string json)
    {
        using var response = await client.PostAsync("v1/chat/completions", Json(json));
        string raw = await response.Content.ReadAsStringAsync();
        GatewayApiTests.AssertSized(response, Encoding.UTF8.GetByteCount(raw));
        return (response.StatusCode, JsonDocument.Parse(raw).RootElement.GetProperty("error").Clone(), raw);
    }

    [Theory]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}""", "messages[1]", "could not parse")]
    [InlineData("""not json at all""", null, "could not parse")]
    [InlineData("""{"model":"support","messages":"hi"}""", "messages", "wrong type")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":42}]}""", "messages[0].content", "could not parse")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature", "wrong type")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model", "model parameter")]
    [InlineData("""{"model":"support","messages":[]}""", "messages", "at least one")]
    [InlineData("""{"model":"support","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role", "must be one of")]
    [InlineData("""{"model":"support","messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id", "tool_call_id")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}],"temperature":5}""", "temperature", "between 0 and 2")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}],"n":3}""", "n", "one choice")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}],"stop":[1,2]}""", "stop", "could not parse")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:x"}}]}]}""", "messages[0].content[0].image_url.url", "data URI")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"not a url"}}]}]}""", "messages[0].content[0].image_url.url", "http(s) URL")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":null}}]}]}""", "messages[0].content[0].image_url.url", "http(s) URL")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":[{"type":"image_url"}]}]}""", "messages[0].content[0].image_url", "needs an image_url")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages[0].content[0].text", "needs its text")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":[null]}]}""", "messages[0].content[0]", "is null")]
    [InlineData("""{"model":"support","messages":[{"role":"assistant","tool_calls":[null]}]}""", "messages[0].tool_calls[0]", "needs an id")]
    [InlineData("""{"model":"support","messages":[{"role":"assistant","tool_calls":[{}]},{"role":"user","content":"hi"}]}""", "messages[0].tool_calls[0]", "needs an id")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}],"tools":[null]}""", "tools[0].function.name", "needs a function")]
    [InlineData("""{"model":"support","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":5}}}""", "response_format.json_schema.schema", "JSON Schema object")]
    public async Task A_bad_body_gets_400_naming_the_field_with_no_internals(string json, string? param, string words)
    {
        await using var gw = await GatewayFixture.StartAsync();

        var (status, error, raw) = await PostAsync(gw.Http, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.TryGetProperty("param", out var p) ? p.GetString() : null);
        Assert.Contains(words, error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("System.", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Tailor.", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", raw, StringComparison.Ordinal);
        Assert.Empty(gw.Primary.Requests);
    }

    [Fact]
    public async Task Image_parts_with_a_data_URI_or_an_https_URL_reach_the_model()
    {
        await using var gw = await GatewayFixture.StartAsync();
        const string dataUri = "data:image/png;base64,iVBORw0KGgo=";
        const string https = "https://example.com/receipt.png";

        using var response = await gw.Http.PostAsync("v1/chat/completions", Json($$$"""
            {"model":"solo","messages":[{"role":"user","content":[{"type":"text","text":"What is on this receipt?"},
              {"type":"image_url","image_url":{"url":"{{{dataUri}}}"}},{"type":"image_url","image_url":{"url":"{{{https}}}"}}]}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gw.Primary.Requests).Messages[^1].GetProperty("content");
        string[] urls = [.. sent.EnumerateArray().Where(p => p.GetProperty("type").GetString() == "image_url").Select(p => p.GetProperty("image_url").GetProperty("url").GetString()!)];
        Assert.Equal([dataUri, https], urls);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_unknown_models_and_urls_get_404_in_OpenAIs_shape()
    {
        await using var gw = await GatewayFixture.StartAsync(options: new GatewayServerOptions { MaxRequestBodyBytes = 64 * 1024 });
        string huge = new('x', 200_000);

        var (tooLarge, largeError, _) = await PostAsync(gw.Http, $$"""{"model":"support","messages":[{"role":"user","content":"{{huge}}"}]}""");
        var (unknown, unknownError, _) = await PostAsync(gw.Http, """{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""");
        using var nowhere = await gw.Http.GetAsync("v1/embeddings");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Equal("request_too_large", largeError.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("model_not_found", unknownError.GetProperty("code").GetString());
        Assert.Contains("support", unknownError.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
        Assert.Equal("unknown_url", JsonDocument.Parse(await nowhere.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(gw.Primary.Requests);
    }

    [Fact]
    public async Task Missing_wrong_and_revoked_keys_get_401_and_no_raw_key_appears_in_any_response_log_or_store_file()
    {
        await using var gw = await GatewayFixture.StartAsync();
        string? revoked = null;
        var revokedRecord = await gw.CreateKeyAsync("leaver", keep: k => revoked = k);
        await gw.Store.RevokeKeyAsync(revokedRecord.Id, DateTimeOffset.UtcNow);
        string forged = gw.Key[..^6] + "AAAAAA";
        const string message = """{"model":"support","messages":[{"role":"user","content":"hi"}]}""";

        var responses = new List<string>();
        foreach (var (key, code) in new (string?, string)[] { (null, "invalid_api_key"), (forged, "invalid_api_key"), ("sk-not-ours", "invalid_api_key"), (revoked, "key_revoked") })
        {
            var (status, error, raw) = await PostAsync(gw.NewClient(key), message);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(code, error.GetProperty("code").GetString());
            responses.Add(raw);
        }

        using var good = await gw.Http.PostAsync("v1/chat/completions", Json(message));
        responses.Add(await good.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.DoesNotContain(gw.Primary.Requests, r => r.Body.Contains("tlr_", StringComparison.Ordinal));
        await gw.Gateway.StopAsync();

        // Every secret presented, valid or not, must be absent from everything the gateway produced.
        string[] secrets = [gw.Key[^43..], revoked![^43..], forged[^43..], "sk-not-ours"];
        string logs = string.Join("\n", gw.Logs);
        string files = string.Concat(Directory.GetFiles(Path.Combine(gw.Directory, ".tailor")).Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        string upstream = string.Join("\n", gw.Primary.Requests.Select(r => r.Body + string.Join(",", r.Headers.Values)));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, files, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, upstream, StringComparison.Ordinal);
            Assert.All(responses, r => Assert.DoesNotContain(secret, r, StringComparison.Ordinal));
        }

        Assert.Contains(gw.Logs, line => line.Contains(revokedRecord.Id, StringComparison.Ordinal) && line.Contains("revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_over_its_request_rate_gets_429_with_Retry_After_and_a_key_over_its_quota_gets_insufficient_quota()
    {
        await using var gw = await GatewayFixture.StartAsync();
        string? limited = null, small = null;
        await gw.CreateKeyAsync("limited", rpm: 2, keep: k => limited = k);
        await gw.CreateKeyAsync("small", quota: 5, keep: k => small = k);
        const string message = """{"model":"support","messages":[{"role":"user","content":"one two three four five six"}]}""";

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 2; i++)
        {
            using var admitted = await gw.NewClient(limited).PostAsync("v1/chat/completions", Json(message));
            statuses.Add(admitted.StatusCode);
        }

        using var third = await gw.NewClient(limited).PostAsync("v1/chat/completions", Json(message));
        using var first = await gw.NewClient(small).PostAsync("v1/chat/completions", Json(message));
        var (second, quotaError, _) = await PostAsync(gw.NewClient(small), message);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second);
        Assert.Equal("insufficient_quota", quotaError.GetProperty("code").GetString());
    }
}
