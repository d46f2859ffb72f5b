namespace Tailor.Data;

/// <summary>A function call made by the assistant.</summary>
/// <param name="Id">The call id a tool message answers with <c>tool_call_id</c> (Mistral: exactly 9 letters or digits).</param>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The arguments exactly as written: a JSON object encoded as a string.</param>
public sealed record ToolCall(string? Id, string Name, string Arguments);
