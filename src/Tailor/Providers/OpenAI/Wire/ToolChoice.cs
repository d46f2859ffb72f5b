using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// <c>tool_choice</c>: a mode string (<c>none</c>, <c>auto</c>, <c>required</c>; Mistral says <c>any</c>) or
/// <c>{"type":"function","function":{"name":…}}</c> to force one function. Exactly one of the two members is set.
/// </summary>
/// <remarks>Immutable; safe to share.</remarks>
[JsonConverter(typeof(ToolChoiceJsonConverter))]
public sealed class ToolChoice
{
    private ToolChoice(string? mode, string? functionName)
    {
        Mode = mode;
        FunctionName = functionName;
    }

    public string? Mode { get; }

    public string? FunctionName { get; }

    public static ToolChoice None { get; } = new("none", null);

    public static ToolChoice Auto { get; } = new("auto", null);

    public static ToolChoice Required { get; } = new("required", null);

    public static ToolChoice ForMode(string mode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mode);
        return new(mode, null);
    }

    public static ToolChoice ForFunction(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(null, name);
    }
}

internal sealed class ToolChoiceJsonConverter : JsonConverter<ToolChoice>
{
    public override ToolChoice? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return ToolChoice.ForMode(reader.GetString()!);
        }

        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("function", out var function)
            && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var name)
            && name.ValueKind == JsonValueKind.String)
        {
            return ToolChoice.ForFunction(name.GetString()!);
        }

        throw new JsonException("tool_choice must be a string or {\"type\":\"function\",\"function\":{\"name\":…}}");
    }

    public override void Write(Utf8JsonWriter writer, ToolChoice value, JsonSerializerOptions options)
    {
        if (value.Mode is not null)
        {
            writer.WriteStringValue(value.Mode);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", value.FunctionName);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
