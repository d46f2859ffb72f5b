using Microsoft.Extensions.AI;
using Tailor.Providers;
using Tailor.Providers.OpenAI;
using Tailor.Spec;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

public sealed class ChatCompletionsDialectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mistral_gets_random_seed_max_tokens_any_and_no_stream_options()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var model = new ModelSpec
        {
            Alias = "judge",
            Provider = "mistral",
            Model = "mistral-small-latest",
            BaseUrl = server.BaseUrl,
            Options = new ModelOptions { Seed = 42, MaxTokens = 50 },
        };
        using var client = new MistralProvider().CreateClient(model, new ProviderContext { GetEnvironmentVariable = n => n == "MISTRAL_API_KEY" ? "mistral-key" : null });
        var tool = AIFunctionFactory.Create(() => "x", "noop");

        await client.GetResponseAsync("hi", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny }, Ct);
        await client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct);

        var plain = server.Requests[0];
        Assert.Equal("Bearer mistral-key", plain.Authorization);
        Assert.Equal("mistral-small-latest", plain.Model);
        Assert.Equal(42, plain.Member("random_seed")!.Value.GetInt64());
        Assert.False(plain.Has("seed"));
        Assert.Equal(50, plain.Member("max_tokens")!.Value.GetInt32());
        Assert.False(plain.Has("max_completion_tokens"));
        Assert.Equal("any", plain.Member("tool_choice")!.Value.GetString());
        Assert.False(plain.Has("safe_prompt"));

        var streamed = server.Requests[1];
        Assert.True(streamed.Stream);
        Assert.False(streamed.Has("stream_options"));
    }

    [Fact]
    public async Task Mistral_gets_nine_character_tool_call_ids_that_still_pair_calls_with_results()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server, o => o with { Dialect = ChatCompletionsDialect.Mistral });
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "weather?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_Zx81kq0PL2mQ7vTn4Rb9YwE3", "get_weather", new Dictionary<string, object?> { ["city"] = "Lyon" }), new FunctionCallContent("abc123XYZ", "get_time")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_Zx81kq0PL2mQ7vTn4Rb9YwE3", "rain"), new FunctionResultContent("abc123XYZ", "noon")]),
        ];

        await client.GetResponseAsync(conversation, cancellationToken: Ct);

        var messages = server.Requests.Single().Messages;
        var ids = messages[1].GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9]{9}$", id));
        Assert.Equal("abc123XYZ", ids[1]);
        Assert.Equal(ids[0], messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal(ids[1], messages[3].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task OpenAI_gets_max_completion_tokens_and_seed()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        using var client = TestClients.For(server, o => o with { Dialect = ChatCompletionsDialect.OpenAI });

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 30, Seed = 3, ToolMode = ChatToolMode.RequireAny, Tools = [AIFunctionFactory.Create(() => 1, "one")] }, Ct);

        var request = server.Requests.Single();
        Assert.Equal(30, request.Member("max_completion_tokens")!.Value.GetInt32());
        Assert.False(request.Has("max_tokens"));
        Assert.Equal(3, request.Member("seed")!.Value.GetInt64());
        Assert.Equal("required", request.Member("tool_choice")!.Value.GetString());
    }

    [Fact]
    public void Fitting_an_id_is_deterministic_and_keeps_ids_that_already_fit()
    {
        var first = ChatCompletionsDialect.FitToolCallId("call_abc", 9);

        Assert.Equal(first, ChatCompletionsDialect.FitToolCallId("call_abc", 9));
        Assert.NotEqual(first, ChatCompletionsDialect.FitToolCallId("call_abd", 9));
        Assert.Equal("A1b2C3d4E", ChatCompletionsDialect.FitToolCallId("A1b2C3d4E", 9));
        Assert.Null(ChatCompletionsDialect.FitToolCallId(null, 9));
    }
}
