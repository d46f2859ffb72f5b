namespace Tailor.Data;

/// <summary>A function the assistant may call in an example (<c>tools: [{type: "function", function: {...}}]</c>).</summary>
/// <param name="Name">Function name, <c>^[a-zA-Z0-9_-]{1,64}$</c>.</param>
/// <param name="Description">What the function does; null when absent.</param>
/// <param name="ParametersJson">The JSON Schema of the parameters, as raw JSON; null when absent.</param>
public sealed record ToolDefinition(string Name, string? Description, string? ParametersJson);
