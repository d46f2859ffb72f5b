namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// A tool call in an assistant message: <c>{"id","type":"function","function":{"name","arguments"}}</c>.
/// In a stream it arrives in fragments that share an <see cref="Index"/>: the first carries the id and name,
/// later ones append to the arguments.
/// </summary>
/// <remarks>A plain mutable data object; not thread-safe.</remarks>
public sealed class ChatCompletionToolCall
{
    /// <summary>Position of the call among the message's calls; present only in streamed deltas.</summary>
    public int? Index { get; set; }

    public string? Id { get; set; }

    public string? Type { get; set; }

    public FunctionCall? Function { get; set; }
}

/// <summary>The function a tool call invokes; <see cref="Arguments"/> is a JSON object encoded as a string.</summary>
public sealed class FunctionCall
{
    public string? Name { get; set; }

    public string? Arguments { get; set; }
}
