using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tailor.Tuning.Backends;

/// <summary>Tolerant reads of vendor JSON: a missing, null or mistyped field is null, never an exception.</summary>
internal static class JsonFields
{
    public static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static double? Number(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    public static long? Integer(JsonNode? node, string name) => Number(node, name) is { } d ? (long)d : null;

    public static bool? Flag(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>A Unix time in seconds.</summary>
    public static DateTimeOffset? Seconds(JsonNode? node, string name) => Integer(node, name) is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    public static IEnumerable<JsonNode> Items(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonArray a ? a.OfType<JsonNode>() : [];

    /// <summary>Compact JSON of a member, or null when absent or empty.</summary>
    public static string? Raw(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is { } value && !(value is JsonObject { Count: 0 }) ? value.ToJsonString() : null;

    public static string Invariant(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
