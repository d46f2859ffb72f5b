using System.Text.Json;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary><c>response_format</c>: <c>{"type":"text"}</c>, <c>{"type":"json_object"}</c> or <c>{"type":"json_schema","json_schema":{…}}</c>.</summary>
/// <remarks>A plain mutable data object; not thread-safe.</remarks>
public sealed class ResponseFormat
{
    public string Type { get; set; } = "text";

    public JsonSchemaFormat? JsonSchema { get; set; }
}

/// <summary>The schema a <c>json_schema</c> response must follow.</summary>
public sealed class JsonSchemaFormat
{
    public string Name { get; set; } = "response";

    public string? Description { get; set; }

    public JsonElement? Schema { get; set; }

    public bool? Strict { get; set; }
}
