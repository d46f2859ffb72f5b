using System.Text.Json.Nodes;

namespace Tailor.Testing;

/// <summary>
/// Writes replies as OpenAI documents them, independently of Tailor's own wire types (so a client bug cannot hide
/// behind the same bug on the server side): <c>chat.completion</c> objects, <c>chat.completion.chunk</c> events and
/// <c>{"error":{…}}</c> bodies.
/// </summary>
internal sealed class ChatCompletionRenderer(string id, long created, string model)
{
    public string Completion(FakeReply reply, FakeUsage usage)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Calls.Count > 0 && reply.Content is null ? null : reply.Content ?? "" };
        if (reply.Calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. reply.Calls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
            })]);
        }

        var completion = Envelope("chat.completion");
        completion["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["logprobs"] = null,
            ["finish_reason"] = reply.FinishReason,
        });
        completion["usage"] = Usage(usage);
        return completion.ToJsonString();
    }

    /// <summary>The data payloads of a stream, in order, without the final <c>[DONE]</c>.</summary>
    public IEnumerable<string> Chunks(FakeReply reply, FakeUsage usage, bool includeUsage)
    {
        yield return Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null);

        foreach (var piece in Pieces(reply.Content ?? ""))
        {
            yield return Chunk(new JsonObject { ["content"] = piece }, null);
        }

        for (var index = 0; index < reply.Calls.Count; index++)
        {
            var call = reply.Calls[index];
            yield return Chunk(ToolCallDelta(index, new JsonObject { ["name"] = call.Name, ["arguments"] = "" }, call.Id), null);
            foreach (var fragment in Split(call.ArgumentsJson, 3))
            {
                yield return Chunk(ToolCallDelta(index, new JsonObject { ["arguments"] = fragment }, null), null);
            }
        }

        yield return Chunk(new JsonObject(), reply.FinishReason);

        if (includeUsage)
        {
            var last = Envelope("chat.completion.chunk");
            last["choices"] = new JsonArray();
            last["usage"] = Usage(usage);
            yield return last.ToJsonString();
        }
    }

    public static string Error(string message, string? type, string? param, string? code) => new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    }.ToJsonString();

    public static string Models(IEnumerable<string> models, long created) => new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. models.Select(model => (JsonNode)new JsonObject
        {
            ["id"] = model,
            ["object"] = "model",
            ["created"] = created,
            ["owned_by"] = "fake",
        })]),
    }.ToJsonString();

    /// <summary>Words with their leading space, the way tokenizers split English: "a b" -> "a", " b".</summary>
    internal static IEnumerable<string> Pieces(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ' ' && text[i - 1] != ' '))
            {
                yield return text[start..i];
                start = i;
            }
        }
    }

    private static IEnumerable<string> Split(string text, int parts)
    {
        var size = Math.Max(1, (int)Math.Ceiling(text.Length / (double)parts));
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    private static JsonObject ToolCallDelta(int index, JsonObject function, string? callId)
    {
        var call = new JsonObject { ["index"] = index };
        if (callId is not null)
        {
            call["id"] = callId;
            call["type"] = "function";
        }

        call["function"] = function;
        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    private string Chunk(JsonObject delta, string? finishReason)
    {
        var chunk = Envelope("chat.completion.chunk");
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        });
        return chunk.ToJsonString();
    }

    private JsonObject Envelope(string kind) => new()
    {
        ["id"] = id,
        ["object"] = kind,
        ["created"] = created,
        ["model"] = model,
        ["system_fingerprint"] = "fp_fake",
    };

    private static JsonObject Usage(FakeUsage usage) => new()
    {
        ["prompt_tokens"] = usage.PromptTokens,
        ["completion_tokens"] = usage.CompletionTokens,
        ["total_tokens"] = usage.PromptTokens + usage.CompletionTokens,
    };

    internal static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    internal static int CountPromptWords(RecordedRequest request) =>
        request.Messages.Sum(message => CountWords(RecordedRequest.TextOf(message)));
}
