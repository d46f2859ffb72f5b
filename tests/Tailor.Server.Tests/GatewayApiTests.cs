using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tailor.Store;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>The OpenAI-compatible API over real HTTP: JSON and streamed answers, tools and options passed through, models, feedback, health, metrics.</summary>
public sealed class GatewayApiTests
{
    internal static JsonElement Routing(Interaction record) => JsonDocument.Parse(record.MetadataJson!).RootElement.GetProperty("routing").Clone();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Reads a JSON answer that must come sized, not chunked: it leaves the gateway in one send.</summary>
    private static async Task<JsonElement> ReadSizedJsonAsync(HttpResponseMessage response)
    {
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        AssertSized(response, bytes.Length);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    /// <summary>The answer of <paramref name="length"/> bytes came with its length, not chunked.</summary>
    internal static void AssertSized(HttpResponseMessage response, int length)
    {
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_completion_is_answered_in_OpenAIs_shape_and_recorded_with_key_route_model_prompt_and_usage()
    {
        await using var gw = await GatewayFixture.StartAsync();

        using var response = await gw.Http.PostAsync("v1/chat/completions", Json("""
            {"model":"support","messages":[{"role":"user","content":"Where is my invoice?"}],"temperature":0.2,"seed":7}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string id = Assert.Single(response.Headers.GetValues("x-tailor-interaction-id"));
        var body = await ReadSizedJsonAsync(response);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("chatcmpl-" + id, body.GetProperty("id").GetString());
        Assert.Equal("support", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("echo: Where is my invoice?", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);

        var upstream = Assert.Single(gw.Primary.Requests);
        Assert.Equal("big-model", upstream.Model);
        Assert.Equal(GatewayFixture.Prompt, upstream.Messages[0].GetProperty("content").GetString());
        Assert.False(upstream.Has("tailor.interaction"));
        Assert.Equal(7, upstream.Member("seed")!.Value.GetInt32());

        var record = await gw.Store.GetAsync(id);
        Assert.NotNull(record);
        Assert.Equal(("gateway", "support", "big-model", gw.KeyRecord.Id), (record.Source, record.Route, record.ModelId, record.KeyId));
        Assert.Equal(InteractionStatus.Ok, record.Status);
        Assert.Equal("Where is my invoice?", Assert.Single(record.Request).Text);
        Assert.Equal("echo: Where is my invoice?", Assert.Single(record.Response).Text);
        Assert.Equal("support", record.PromptId);
        Assert.Equal(GatewayFixture.Prompt, record.PromptText);
        Assert.Equal(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), record.InputTokens);
        Assert.NotNull(record.LatencyMs);
        Assert.Equal("baseline", Routing(record).GetProperty("target").GetString());
        Assert.Equal(record.InputTokens + record.OutputTokens, (await gw.Store.GetKeyAsync(gw.KeyRecord.Id))!.TokensUsed);
    }

    [Fact]
    public async Task A_stream_is_sent_as_chunks_ending_in_DONE_and_its_record_is_committed_before_DONE()
    {
        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(FakeReply.Text("Open Billing, then Invoices."));

        using var response = await gw.Http.PostAsync("v1/chat/completions", Json("""
            {"model":"support","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Invoice?"}]}
            """));
        string id = Assert.Single(response.Headers.GetValues("x-tailor-interaction-id"));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var sse = SseBody.Parse(await response.Content.ReadAsStringAsync());
        // Read the store the moment [DONE] has arrived: the record must already be there.
        var record = await gw.Store.GetAsync(id);

        Assert.True(sse.Done);
        Assert.Empty(sse.Errors);
        Assert.Equal("Open Billing, then Invoices.", sse.Text);
        Assert.All(sse.Chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", sse.Chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Contains(sse.Chunks, c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].TryGetProperty("finish_reason", out var f) && f.GetString() == "stop");
        var usage = sse.Chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.True(usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);

        Assert.NotNull(record);
        Assert.True(record.Streamed);
        Assert.Equal("Open Billing, then Invoices.", Assert.Single(record.Response).Text);
        Assert.NotNull(record.TimeToFirstTokenMs);
        Assert.Equal(usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), record.OutputTokens);
    }

    [Fact]
    public async Task Tools_stop_token_limits_and_response_format_reach_the_model_and_tool_calls_come_back()
    {
        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(FakeReply.ToolCalls(new FakeToolCall("call_9", "lookup_invoice", """{"month":"2026-10"}""")));

        using var response = await gw.Http.PostAsync("v1/chat/completions", Json("""
            {"model":"support","messages":[
               {"role":"system","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"October invoice?"}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup_invoice","arguments":"{\"month\":\"2026-09\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"{\"total\":12}"},
               {"role":"user","content":"And October?"}],
             "tools":[{"type":"function","function":{"name":"lookup_invoice","description":"Finds an invoice","parameters":{"type":"object","properties":{"month":{"type":"string"}}}}}],
             "tool_choice":"auto","stop":"END","max_completion_tokens":50,"top_p":0.9,
             "response_format":{"type":"json_object"}}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        var call = body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal(("call_9", "lookup_invoice"), (call.GetProperty("id").GetString(), call.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("2026-10", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("month").GetString());
        Assert.Equal("tool_calls", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        var sent = Assert.Single(gw.Primary.Requests);
        Assert.Equal("lookup_invoice", sent.Member("tools")!.Value[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("END", sent.Member("stop")!.Value[0].GetString());
        Assert.Equal(50, sent.Member("max_tokens")!.Value.GetInt32());
        Assert.Equal("json_object", sent.Member("response_format")!.Value.GetProperty("type").GetString());
        Assert.Equal(["system", "system", "user", "assistant", "tool", "user"], sent.Messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_1", sent.Messages[4].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task Models_lists_the_routes_and_health_and_metrics_answer()
    {
        await using var gw = await GatewayFixture.StartAsync();
        await gw.Http.PostAsync("v1/chat/completions", Json("""{"model":"solo","messages":[{"role":"user","content":"hi"}]}"""));

        var models = await ReadSizedJsonAsync(await gw.Http.GetAsync("v1/models"));
        var health = await gw.NewClient(null).GetAsync("healthz");
        string metrics = await gw.NewClient(null).GetStringAsync("metrics");

        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal(["canary-all", "shadowed", "solo", "support"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await ReadSizedJsonAsync(health)).GetProperty("store").GetString());
        Assert.Contains("gen_ai_server_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("tailor_route=\"solo\"", metrics, StringComparison.Ordinal);
        Assert.Contains("tailor_gateway_log_records_written", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_client_token_usage", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_is_stored_for_the_keys_own_interactions_and_refused_for_others_and_bad_values()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var answer = await gw.Http.PostAsync("v1/chat/completions", Json("""{"model":"support","messages":[{"role":"user","content":"Refund?"}]}"""));
        string id = Assert.Single(answer.Headers.GetValues("x-tailor-interaction-id"));

        using var ok = await gw.Http.PostAsJsonAsync("v1/feedback", new { interaction_id = "chatcmpl-" + id, thumbs = "down", score = 2, comment = "wrong plan", correction = "Refunds take 5 days.", rater = "agent-7" });
        string? other = null;
        await gw.CreateKeyAsync("other", keep: k => other = k);
        using var foreign = await gw.NewClient(other).PostAsJsonAsync("v1/feedback", new { interaction_id = id, thumbs = "up" });
        using var badScore = await gw.Http.PostAsJsonAsync("v1/feedback", new { interaction_id = id, score = 9 });
        using var empty = await gw.Http.PostAsJsonAsync("v1/feedback", new { interaction_id = id });
        using var unknown = await gw.Http.PostAsJsonAsync("v1/feedback", new { interaction_id = "01NOPE", thumbs = "up" });

        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var created = await ReadSizedJsonAsync(ok);
        Assert.Equal(("feedback", id), (created.GetProperty("object").GetString(), created.GetProperty("interaction_id").GetString()));
        var stored = Assert.Single(await gw.Store.QueryFeedbackAsync(new FeedbackQuery { InteractionId = id }).ToListAsync());
        Assert.Equal((-1, 2, "wrong plan", "Refunds take 5 days.", "agent-7", gw.KeyRecord.Id), (stored.Thumbs, stored.Score, stored.Comment, stored.Correction, stored.Rater, stored.KeyId));
        Assert.Equal(id, Assert.Single(await gw.Store.QueryAsync(new InteractionQuery { FeedbackThumbs = -1 }).ToListAsync()).Id);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badScore.StatusCode);
        Assert.Equal("score", (await ReadJsonAsync(badScore)).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_canary_at_100_percent_sends_traffic_to_the_candidate_and_a_shadow_answers_beside_the_primary_without_being_returned()
    {
        await using var gw = await GatewayFixture.StartAsync();

        using var canary = await gw.Http.PostAsync("v1/chat/completions", Json("""{"model":"canary-all","messages":[{"role":"user","content":"hi"}]}"""));
        using var shadowed = await gw.Http.PostAsync("v1/chat/completions", Json("""{"model":"shadowed","messages":[{"role":"user","content":"compare me"}]}"""));
        string shadowedId = Assert.Single(shadowed.Headers.GetValues("x-tailor-interaction-id"));

        var canaryRecord = await gw.Store.GetAsync(Assert.Single(canary.Headers.GetValues("x-tailor-interaction-id")));
        Assert.Equal("tuned-model", canaryRecord!.ModelId);
        Assert.True(Routing(canaryRecord).GetProperty("canary").GetBoolean());

        Assert.Equal("echo: compare me", (await ReadJsonAsync(shadowed)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Interaction? shadow = null;
        for (int i = 0; i < 200 && shadow is null; i++)
        {
            shadow = await gw.Store.QueryAsync(new InteractionQuery { Source = "gateway-shadow" }).FirstOrDefaultAsync();
            await Task.Delay(50);
        }

        Assert.NotNull(shadow);
        Assert.Equal(("shadowed", "tuned-model", gw.KeyRecord.Id), (shadow.Route, shadow.ModelId, shadow.KeyId));
        Assert.Equal(shadowedId, JsonDocument.Parse(shadow.MetadataJson!).RootElement.GetProperty("shadow_of").GetString());
        Assert.Equal("big-model", (await gw.Store.GetAsync(shadowedId))!.ModelId);
    }
}
