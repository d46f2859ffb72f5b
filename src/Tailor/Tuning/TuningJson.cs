using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Tuning;

/// <summary>
/// How tuning records are written as JSON in the store and in files: snake_case names, enums as lowercase strings,
/// nulls left out. One place so the store, the registry and exported lineage files agree.
/// </summary>
public static class TuningJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The same, indented, for files people read.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <exception cref="InvalidDataException">The text is not a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"{what} in the store is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what} in the store cannot be read: {e.Message}", e);
        }
    }
}
