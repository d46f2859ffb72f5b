using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI.Mapping;

/// <summary>
/// Non-streamed answers between the wire (<see cref="ChatCompletionResponse"/>) and MEAI (<see cref="ChatResponse"/>),
/// in both directions: clients read answers, the gateway writes them.
/// </summary>
/// <remarks>Stateless and thread-safe; inputs are not mutated.</remarks>
public static class OpenAIResponseMapping
{
    /// <summary>Reads an answer. Every choice becomes a message; the finish reason is the first choice's.</summary>
    public static ChatResponse ToChatResponse(ChatCompletionResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        var messages = new List<ChatMessage>(response.Choices.Count);
        foreach (var choice in response.Choices)
        {
            var wire = choice.Message ?? new ChatCompletionMessage();
            messages.Add(new ChatMessage(new ChatRole(wire.Role ?? "assistant"), ToContents(wire))
            {
                AuthorName = wire.Name,
                MessageId = choice.Index == 0 ? response.Id : $"{response.Id}-{choice.Index}",
                CreatedAt = ToCreatedAt(response.Created),
                RawRepresentation = wire,
            });
        }

        return new ChatResponse(messages)
        {
            ResponseId = response.Id,
            ModelId = response.Model,
            CreatedAt = ToCreatedAt(response.Created),
            FinishReason = FinishReasonMapping.FromWire(response.Choices.FirstOrDefault()?.FinishReason),
            Usage = response.Usage is { } usage ? UsageMapping.FromWire(usage) : null,
            RawRepresentation = response,
        };
    }

    /// <summary>Writes an answer (server side): the response's messages become choices 0..n-1.</summary>
    /// <param name="response">The answer to write.</param>
    /// <param name="fallbackId">Id used when <see cref="ChatResponse.ResponseId"/> is null; it must be unique per response.</param>
    /// <param name="fallbackModel">Model id used when <see cref="ChatResponse.ModelId"/> is null.</param>
    /// <param name="now">Creation time used when <see cref="ChatResponse.CreatedAt"/> is null.</param>
    public static ChatCompletionResponse ToChatCompletionResponse(ChatResponse response, string fallbackId, string? fallbackModel, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);

        var wire = new ChatCompletionResponse
        {
            Id = response.ResponseId ?? fallbackId,
            Created = (response.CreatedAt ?? now).ToUnixTimeSeconds(),
            Model = response.ModelId ?? fallbackModel,
            Usage = response.Usage is { } usage ? UsageMapping.ToWire(usage) : null,
        };

        var assistantMessages = response.Messages.Count > 0 ? response.Messages : [new ChatMessage(ChatRole.Assistant, "")];
        for (var i = 0; i < assistantMessages.Count; i++)
        {
            var message = assistantMessages[i];
            var toolCalls = message.Contents.OfType<FunctionCallContent>()
                .Select(call => new ChatCompletionToolCall
                {
                    Id = call.CallId,
                    Type = "function",
                    Function = new FunctionCall { Name = call.Name, Arguments = ToolCallArguments.Serialize(call.Arguments) },
                })
                .ToList();

            wire.Choices.Add(new ChatCompletionChoice
            {
                Index = i,
                Message = new ChatCompletionMessage
                {
                    Role = message.Role.Value,
                    Name = message.AuthorName,
                    Content = toolCalls.Count > 0 && message.Text.Length == 0 ? null : MessageContent.FromText(message.Text),
                    ToolCalls = toolCalls.Count > 0 ? toolCalls : null,
                },
                FinishReason = FinishReasonMapping.ToWire(response.FinishReason) ?? (toolCalls.Count > 0 ? "tool_calls" : "stop"),
            });
        }

        return wire;
    }

    internal static List<AIContent> ToContents(ChatCompletionMessage message)
    {
        var contents = new List<AIContent>();
        var text = message.Content?.GetText();
        if (!string.IsNullOrEmpty(text))
        {
            contents.Add(new TextContent(text));
        }
        else if (!string.IsNullOrEmpty(message.Refusal))
        {
            contents.Add(new TextContent(message.Refusal));
        }

        foreach (var call in message.ToolCalls ?? [])
        {
            contents.Add(ToolCallArguments.ToContent(call.Id ?? "", call.Function?.Name ?? "", call.Function?.Arguments));
        }

        return contents;
    }

    internal static DateTimeOffset? ToCreatedAt(long created) => created > 0 ? DateTimeOffset.FromUnixTimeSeconds(created) : null;
}
