using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>Reads a member the OpenAI format allows as one string or an array of strings (<c>stop</c>); writes an array.</summary>
internal sealed class StringOrArrayJsonConverter : JsonConverter<List<string>>
{
    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString()!];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"expected a string or an array of strings, not {reader.TokenType}");
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"expected a string in the array, not {reader.TokenType}");
            }

            values.Add(reader.GetString()!);
        }

        return values;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }
}
