using System.Collections;
using System.Text.Json;
using Tailor.Moderation;
using Tailor.Text;

namespace Tailor.Chat;

/// <summary>
/// The JSON of an interaction's <see cref="InteractionContext.Metadata"/> as the log records it, written once per
/// request: moderation verdicts in their own form, and the plain values middleware leave there (strings, numbers,
/// booleans, dictionaries and lists of them) written directly; anything else goes through the serializer.
/// </summary>
/// <remarks>
/// The text is what <see cref="JsonSerializer"/> writes for the same values with the options given to
/// <see cref="Write"/>, without its per-call state for every nested value or a copy of the dictionary. Thread-safe.
/// </remarks>
internal static class InteractionMetadataJson
{
    public static string Write(IEnumerable<KeyValuePair<string, object?>> metadata, JsonSerializerOptions options) =>
        JsonText.Write((metadata, options), new JsonWriterOptions { Encoder = options.Encoder, Indented = false }, static (writer, state) =>
        {
            writer.WriteStartObject();
            foreach (var (key, value) in state.metadata)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value, state.options);
            }
            writer.WriteEndObject();
        });

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case ModerationVerdict verdict: verdict.WriteTo(writer); break;
            case IDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item, options);
                }
                writer.WriteEndObject();
                break;
            case IList list when list.GetType().IsGenericType || list is object[]:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item, options);
                }
                writer.WriteEndArray();
                break;
            default: JsonSerializer.Serialize(writer, value, value.GetType(), options); break;
        }
    }
}
