using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

public sealed class OpenAICompatibleChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Non_streamed_answer_carries_text_ids_model_time_finish_reason_and_usage()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello there")], cancellationToken: Ct);

        Assert.Equal("echo: hello there", response.Text);
        Assert.Equal("chatcmpl-fake1", response.ResponseId);
        Assert.Equal("chatcmpl-fake1", response.Messages.Single().MessageId);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.Equal("fake-model", response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(FakeOpenAIServer.Created), response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(2, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
        Assert.Equal(5, response.Usage?.TotalTokenCount);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.False(request.Has("stream"));
        Assert.False(request.Has("stream_options"));
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task Streamed_answer_keeps_one_response_and_message_id_and_surfaces_usage()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "one two three")], cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count >= 5, $"expected one update per word plus role, finish and usage; got {updates.Count}");
        Assert.All(updates, update => Assert.Equal("chatcmpl-fake1", update.ResponseId));
        Assert.All(updates, update => Assert.Equal("chatcmpl-fake1", update.MessageId));
        Assert.All(updates, update => Assert.Equal(ChatRole.Assistant, update.Role));
        Assert.Contains(updates, update => update.Contents.OfType<UsageContent>().Any());

        var response = updates.ToChatResponse();
        Assert.Equal("echo: one two three", response.Text);
        Assert.Single(response.Messages);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("fake-model", response.ModelId);
        Assert.Equal(3, response.Usage?.InputTokenCount);
        Assert.Equal(4, response.Usage?.OutputTokenCount);

        var request = Assert.Single(server.Requests);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal("text/event-stream", request.Headers["Accept"]);
    }

    [Theory]
    [InlineData("length", "length")]
    [InlineData("content_filter", "content_filter")]
    [InlineData("model_length", "length")]
    [InlineData("tool_calls", "tool_calls")]
    public async Task Finish_reasons_are_mapped(string wire, string expected)
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("cut", wire), FakeReply.Text("cut", wire));
        using var client = TestClients.For(server);

        var response = await client.GetResponseAsync("go", cancellationToken: Ct);
        var streamed = await client.GetStreamingResponseAsync("go", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal(new ChatFinishReason(expected), response.FinishReason);
        Assert.Equal(new ChatFinishReason(expected), streamed.FinishReason);
    }

    [Fact]
    public async Task Tools_and_a_tool_round_trip_are_serialized_as_OpenAI_documents_them()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server);
        var weather = AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather of a city.");
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny in Paris")]),
        ];

        await client.GetResponseAsync(conversation, new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), AllowMultipleToolCalls = false }, Ct);

        var body = Assert.Single(server.Requests);
        var tool = body.Member("tools")!.Value[0];
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("get_weather", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Gets the weather of a city.", tool.GetProperty("function").GetProperty("description").GetString());
        Assert.Equal("string", tool.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", body.Member("tool_choice")!.Value.GetProperty("function").GetProperty("name").GetString());
        Assert.False(body.Member("parallel_tool_calls")!.Value.GetBoolean());

        var assistant = body.Messages[1];
        Assert.Equal(JsonValueKind.Null, assistant.TryGetProperty("content", out var content) ? content.ValueKind : JsonValueKind.Null);
        var call = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());

        var result = body.Messages[2];
        Assert.Equal("tool", result.GetProperty("role").GetString());
        Assert.Equal("call_1", result.GetProperty("tool_call_id").GetString());
        Assert.Equal("sunny in Paris", result.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Streamed_tool_call_fragments_are_assembled_into_function_calls()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.ToolCalls(
            new FakeToolCall("call_a", "get_weather", """{"city":"Paris","unit":"celsius"}"""),
            new FakeToolCall("call_b", "get_time", """{"tz":"Europe/Paris"}""")));
        using var client = TestClients.For(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("weather and time?", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        var calls = response.Messages.Single().Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("Paris", ((JsonElement)calls[0].Arguments!["city"]!).GetString());
        Assert.Equal("celsius", ((JsonElement)calls[0].Arguments!["unit"]!).GetString());
        Assert.Equal("Europe/Paris", ((JsonElement)calls[1].Arguments!["tz"]!).GetString());
        Assert.Null(calls[0].Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        // The calls arrive whole, once, with the finish reason; never as fragments.
        Assert.Equal(2, updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Count());
    }

    [Fact]
    public async Task Non_streamed_tool_calls_become_function_call_contents()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.ToolCalls(new FakeToolCall("call_9", "lookup", """{"id":42}""")));
        using var client = TestClients.For(server);

        var response = await client.GetResponseAsync("look it up", cancellationToken: Ct);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(response.Messages.Single().Contents));
        Assert.Equal("call_9", call.CallId);
        Assert.Equal("lookup", call.Name);
        Assert.Equal(42, ((JsonElement)call.Arguments!["id"]!).GetInt32());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task Server_sent_events_with_comments_CRLF_and_multi_line_data_are_parsed()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var sse = string.Join("\r\n",
            ": keep-alive",
            "",
            """data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",""",
            """data: "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""",
            "",
            ": still here",
            "event: message",
            """data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}""",
            "",
            "data: [DONE]",
            "",
            "");
        server.Enqueue(FakeReply.Raw(200, sse, "text/event-stream"));
        using var client = TestClients.For(server);

        var response = await client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal("Hello", response.Text);
        Assert.Equal("c1", response.ResponseId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Mistral_style_usage_inside_the_finish_chunk_surfaces()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var sse =
            """
            data: {"id":"m1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":"Bonjour"},"finish_reason":null}]}

            data: {"id":"m1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}

            data: [DONE]


            """;
        server.Enqueue(FakeReply.Raw(200, sse, "text/event-stream"));
        using var client = TestClients.For(server);

        var response = await client.GetStreamingResponseAsync("salut", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal("Bonjour", response.Text);
        Assert.Equal(7, response.Usage?.InputTokenCount);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
        Assert.Equal(9, response.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task A_server_that_answers_a_stream_request_in_one_piece_still_yields_the_answer()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Raw(200, """{"id":"x1","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}]}"""));
        using var client = TestClients.For(server);

        var response = await client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal("whole", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Theory]
    [InlineData("application/json", false)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/json; charset=\"UTF-8\"", false)]
    [InlineData("application/json; charset=iso-8859-1", false)]
    public async Task An_answer_is_read_in_its_charset_with_or_without_a_byte_order_mark(string contentType, bool byteOrderMark)
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        string body = (byteOrderMark ? "\uFEFF" : "") + """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Café, s'il vous plaît"},"finish_reason":"stop"}]}
            """;
        server.Enqueue(FakeReply.Raw(200, body, contentType) with
        {
            BodyEncoding = contentType.EndsWith("iso-8859-1", StringComparison.Ordinal) ? System.Text.Encoding.Latin1 : null,
        });
        using var client = TestClients.For(server);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: Ct);

        Assert.Equal("Café, s'il vous plaît", response.Text);
    }

    [Fact]
    public async Task Model_options_are_defaults_that_request_options_override()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server, o => o with
        {
            DefaultModelId = "default-model",
            GenerationDefaults = new Tailor.Spec.ModelOptions { Temperature = 0.2f, TopP = 0.9f, MaxTokens = 100, Seed = 7, Stop = ["END"] },
        });
        var options = new ChatOptions { Temperature = 0.8f, StopSequences = ["STOP"], ModelId = "asked-model" };

        await client.GetResponseAsync("hi", options, Ct);
        await client.GetResponseAsync("hi", cancellationToken: Ct);

        var overridden = server.Requests[0];
        Assert.Equal("asked-model", overridden.Model);
        Assert.Equal(0.8f, overridden.Member("temperature")!.Value.GetSingle());
        Assert.Equal(0.9f, overridden.Member("top_p")!.Value.GetSingle());
        Assert.Equal(100, overridden.Member("max_tokens")!.Value.GetInt32());
        Assert.Equal(7, overridden.Member("seed")!.Value.GetInt64());
        Assert.Equal(["STOP"], overridden.Member("stop")!.Value.EnumerateArray().Select(e => e.GetString()));

        var defaults = server.Requests[1];
        Assert.Equal("default-model", defaults.Model);
        Assert.Equal(0.2f, defaults.Member("temperature")!.Value.GetSingle());
        Assert.Equal(["END"], defaults.Member("stop")!.Value.EnumerateArray().Select(e => e.GetString()));

        // The caller's options object is left as it was.
        Assert.Null(options.TopP);
        Assert.Null(options.MaxOutputTokens);
    }

    [Fact]
    public async Task Instructions_response_format_and_vendor_keys_reach_the_wire()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server);
        var options = new ChatOptions
        {
            Instructions = "Be brief.",
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement, "answer"),
            TopK = 40,
            AdditionalProperties = new() { ["min_p"] = 0.05 },
        };

        await client.GetResponseAsync("hi", options, Ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal("system", request.Messages[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", request.Messages[0].GetProperty("content").GetString());
        Assert.Equal("json_schema", request.Member("response_format")!.Value.GetProperty("type").GetString());
        Assert.Equal("answer", request.Member("response_format")!.Value.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal(40, request.Member("top_k")!.Value.GetInt32());
        Assert.Equal(0.05, request.Member("min_p")!.Value.GetDouble());
        // Nulls are omitted, not sent as null.
        Assert.False(request.Has("temperature"));
        Assert.False(request.Has("tools"));
    }

    [Fact]
    public async Task Metadata_names_provider_base_url_and_default_model()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server, o => o with { ProviderName = "mistral", DefaultModelId = "mistral-small-latest" });

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("mistral", metadata.ProviderName);
        Assert.Equal(server.BaseUrl, metadata.ProviderUri);
        Assert.Equal("mistral-small-latest", metadata.DefaultModelId);
        Assert.Same(client, client.GetService<OpenAICompatibleChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("some-key"));
    }

    [Fact]
    public async Task Concurrent_requests_on_one_client_get_their_own_answers()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? client.GetResponseAsync($"question {i}", cancellationToken: Ct)
            : client.GetStreamingResponseAsync($"question {i}", cancellationToken: Ct).ToChatResponseAsync(Ct)));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"echo: question {i}"), answers.Select(a => a.Text));
        Assert.Equal(8, server.Requests.Count);
    }
}
