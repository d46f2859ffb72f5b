using System.Text.Json;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>A tool the model may call: <c>{"type":"function","function":{"name","description","parameters"}}</c>.</summary>
/// <remarks>A plain mutable data object; not thread-safe.</remarks>
public sealed class ChatCompletionTool
{
    public string Type { get; set; } = "function";

    public FunctionDefinition? Function { get; set; }
}

/// <summary>A function's name, description and JSON Schema of its parameters.</summary>
public sealed class FunctionDefinition
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>JSON Schema of the arguments object.</summary>
    public JsonElement? Parameters { get; set; }

    /// <summary>OpenAI structured-outputs strict mode for the arguments.</summary>
    public bool? Strict { get; set; }
}
