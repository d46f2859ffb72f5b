namespace Tailor.Data;

/// <summary>Who speaks a message in a training conversation.</summary>
public enum MessageRole
{
    System,
    User,
    Assistant,
    /// <summary>The result of a tool call, answering an assistant's <see cref="ToolCall"/> by its id.</summary>
    Tool,
}
