namespace Tailor.Data;

/// <summary>One message of a training conversation.</summary>
/// <remarks>Immutable; safe to share across threads.</remarks>
public sealed record ConversationMessage
{
    public ConversationMessage(MessageRole role, string? content)
    {
        Role = role;
        Content = content;
    }

    public MessageRole Role { get; init; }

    /// <summary>The text; null for an assistant message that only calls tools.</summary>
    public string? Content { get; init; }

    /// <summary>Function calls of an assistant message; empty otherwise.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary>For a <see cref="MessageRole.Tool"/> message: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Optional speaker or function name (<c>name</c> in the OpenAI format).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Loss weight of an assistant message: 1 trains on it, 0 keeps it as context only. Null means
    /// "not written", which trainers treat as 1 for assistant messages and 0 for every other role.
    /// </summary>
    public double? Weight { get; init; }

    /// <summary>Whether a trainer computes loss on this message.</summary>
    public bool IsTrained => Role == MessageRole.Assistant && (Weight ?? 1) > 0;

    public static ConversationMessage System(string content) => new(MessageRole.System, content);
    public static ConversationMessage User(string content) => new(MessageRole.User, content);
    public static ConversationMessage Assistant(string? content) => new(MessageRole.Assistant, content);
    public static ConversationMessage ToolResult(string callId, string content) => new(MessageRole.Tool, content) { ToolCallId = callId };
}
