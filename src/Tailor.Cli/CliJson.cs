using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Cli;

/// <summary>JSON settings for <c>--json</c> output: snake_case names, indented, nulls kept so the shape is stable.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The same, on one line: for streams of records (one JSON object per line).</summary>
    public static JsonSerializerOptions Compact { get; } = new(Indented) { WriteIndented = false };
}
