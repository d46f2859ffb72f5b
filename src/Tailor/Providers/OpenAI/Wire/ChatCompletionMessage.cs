namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// One message of a chat-completions conversation (<c>messages[i]</c>), an answer (<c>choices[i].message</c>),
/// or a streamed delta (<c>choices[i].delta</c>, where every member is optional and tool calls carry an index).
/// </summary>
/// <remarks>A plain mutable data object; not thread-safe.</remarks>
public sealed class ChatCompletionMessage
{
    /// <summary><c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>; absent in most deltas.</summary>
    public string? Role { get; set; }

    /// <summary>A string, an array of parts, or null (an assistant turn that only calls tools).</summary>
    public MessageContent? Content { get; set; }

    /// <summary>Optional author name.</summary>
    public string? Name { get; set; }

    /// <summary>Tool calls made by the assistant; in a stream, fragments keyed by <see cref="ChatCompletionToolCall.Index"/>.</summary>
    public List<ChatCompletionToolCall>? ToolCalls { get; set; }

    /// <summary>For <c>role: tool</c>: the id of the call this message answers.</summary>
    public string? ToolCallId { get; set; }

    /// <summary>OpenAI's refusal text when the model declines for safety reasons.</summary>
    public string? Refusal { get; set; }
}
