using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Mapping;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Tests.Providers;

/// <summary>The server direction of the mapping (what the gateway will use) and the wire types' JSON.</summary>
public sealed class OpenAIWireMappingTests
{
    [Fact]
    public void A_request_in_any_allowed_shape_reads_into_messages_and_options()
    {
        const string json = """
            {
              "model": "gpt-4o-mini",
              "messages": [
                {"role": "system", "content": "Be kind."},
                {"role": "user", "content": [{"type": "text", "text": "What is "}, {"type": "text", "text": "this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "look", "arguments": "{\"at\":\"cat\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "a cat"}
              ],
              "temperature": 0.5,
              "max_completion_tokens": 20,
              "stop": "###",
              "seed": 9,
              "tools": [{"type": "function", "function": {"name": "look", "description": "Looks.", "parameters": {"type": "object", "properties": {"at": {"type": "string"}}}}}],
              "tool_choice": {"type": "function", "function": {"name": "look"}},
              "response_format": {"type": "json_object"},
              "user": "u-1",
              "logit_bias": {"50256": -100}
            }
            """;

        var request = JsonSerializer.Deserialize(json, OpenAIJsonContext.Default.ChatCompletionRequest)!;
        var messages = OpenAIRequestMapping.ToChatMessages(request);
        var options = OpenAIRequestMapping.ToChatOptions(request);

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], messages.Select(m => m.Role));
        Assert.Equal("What is this?", messages[1].Text);
        Assert.IsType<UriContent>(messages[1].Contents[2]);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(messages[2].Contents));
        Assert.Equal("cat", ((JsonElement)call.Arguments!["at"]!).GetString());
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(messages[3].Contents));
        Assert.Equal("call_1", result.CallId);

        Assert.Equal("gpt-4o-mini", options.ModelId);
        Assert.Equal(0.5f, options.Temperature);
        Assert.Equal(20, options.MaxOutputTokens);
        Assert.Equal(["###"], options.StopSequences!);
        Assert.Equal(9, options.Seed);
        Assert.Equal("look", Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(options.Tools!)).Name);
        Assert.Equal("look", Assert.IsType<RequiredChatToolMode>(options.ToolMode).RequiredFunctionName);
        Assert.IsType<ChatResponseFormatJson>(options.ResponseFormat);
        Assert.Equal("u-1", options.AdditionalProperties!["user"]);
        Assert.True(options.AdditionalProperties.ContainsKey("logit_bias"));
    }

    [Fact]
    public void Request_mapping_round_trips_through_MEAI()
    {
        var original = new ChatCompletionRequest
        {
            Model = "m",
            Messages =
            [
                new ChatCompletionMessage { Role = "user", Content = "hi" },
                new ChatCompletionMessage { Role = "assistant", ToolCalls = [new ChatCompletionToolCall { Id = "c1", Type = "function", Function = new FunctionCall { Name = "f", Arguments = """{"a":1}""" } }] },
                new ChatCompletionMessage { Role = "tool", ToolCallId = "c1", Content = "42" },
            ],
            Temperature = 0.3f,
            Stop = ["x", "y"],
        };

        var rebuilt = OpenAIRequestMapping.ToChatCompletionRequest(OpenAIRequestMapping.ToChatMessages(original), OpenAIRequestMapping.ToChatOptions(original));

        Assert.Equal(
            JsonSerializer.Serialize(original, OpenAIJsonContext.Default.ChatCompletionRequest),
            JsonSerializer.Serialize(rebuilt, OpenAIJsonContext.Default.ChatCompletionRequest));
    }

    [Fact]
    public void A_response_is_written_as_a_chat_completion()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello"))
        {
            ResponseId = "r1",
            ModelId = "m",
            FinishReason = ChatFinishReason.Length,
            Usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 1 },
        };

        var wire = OpenAIResponseMapping.ToChatCompletionResponse(response, "unused", null, DateTimeOffset.FromUnixTimeSeconds(99));
        var json = JsonSerializer.Serialize(wire, OpenAIJsonContext.Default.ChatCompletionResponse);

        Assert.Equal(
            """{"id":"r1","object":"chat.completion","created":99,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""",
            json);
    }

    [Fact]
    public void Tool_calls_are_written_with_null_content_and_the_tool_calls_finish_reason()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "f", new Dictionary<string, object?> { ["a"] = 1 })]));

        var wire = OpenAIResponseMapping.ToChatCompletionResponse(response, "id-1", "m", DateTimeOffset.FromUnixTimeSeconds(1));

        var choice = Assert.Single(wire.Choices);
        Assert.Null(choice.Message!.Content);
        Assert.Equal("tool_calls", choice.FinishReason);
        Assert.Equal("""{"a":1}""", choice.Message.ToolCalls![0].Function!.Arguments);
        Assert.Equal("id-1", wire.Id);
    }

    [Fact]
    public void Content_stop_and_tool_choice_write_in_their_wire_shapes()
    {
        var request = new ChatCompletionRequest
        {
            Messages = [new ChatCompletionMessage { Role = "user", Content = MessageContent.FromParts([ContentPart.ForText("a"), ContentPart.ForImage("data:image/png;base64,AA==")]) }],
            Stop = ["s"],
            ToolChoice = ToolChoice.Auto,
        };

        var json = JsonSerializer.Serialize(request, OpenAIJsonContext.Default.ChatCompletionRequest);

        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}],"stop":["s"],"tool_choice":"auto"}""",
            json);
    }

    [Fact]
    public void A_malformed_member_is_a_JSON_error_not_a_silent_default()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"messages":[],"stop":42}""", OpenAIJsonContext.Default.ChatCompletionRequest));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"messages":[{"role":"user","content":7}]}""", OpenAIJsonContext.Default.ChatCompletionRequest));
    }
}
