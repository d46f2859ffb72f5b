using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Text;

namespace Tailor.Store;

/// <summary>
/// The JSON form of messages and options in the store. Uses MEAI's own serializer settings so every
/// content kind (text, tool calls, tool results, usage) round-trips, whichever store holds it.
/// </summary>
public static class InteractionJson
{
    private static readonly JsonSerializerOptions Options = AIJsonUtilities.DefaultOptions;

    // MEAI's settings without the indentation: what the interaction log writes once per request.
    private static readonly JsonSerializerOptions CompactOptions = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>
    /// The messages as JSON, indented as MEAI writes them (eval inputs and response-cache keys keep this form), or
    /// <paramref name="compact"/> as the interaction log stores them. Both read back with <see cref="DeserializeMessages"/>.
    /// </summary>
    public static string SerializeMessages(IReadOnlyList<ChatMessage> messages, bool compact = false) =>
        JsonSerializer.Serialize(messages.ToArray(), (compact ? CompactOptions : Options).GetTypeInfo(typeof(ChatMessage[])));

    /// <summary>The settings of a writer for <see cref="WriteMessages"/>: the log's escaping, so the bytes are those of the string form.</summary>
    public static JsonWriterOptions CompactWriterOptions { get; } = new() { Encoder = CompactOptions.Encoder, Indented = false };

    /// <summary>
    /// Writes the messages in the log's compact form (<see cref="SerializeMessages"/> with compact) as UTF-8, to a writer
    /// made with <see cref="CompactWriterOptions"/>.
    /// </summary>
    public static void WriteMessages(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages) =>
        JsonSerializer.Serialize(writer, messages.ToArray(), CompactOptions.GetTypeInfo(typeof(ChatMessage[])));

    public static IReadOnlyList<ChatMessage> DeserializeMessages(string? json) =>
        string.IsNullOrEmpty(json)
            ? []
            : (ChatMessage[]?)JsonSerializer.Deserialize(json, Options.GetTypeInfo(typeof(ChatMessage[]))) ?? [];

    /// <summary>The options a caller set, as a small stable JSON object (null when none were set).</summary>
    public static string? SerializeOptions(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        // Written once per request, without a dictionary of the fields first; an empty object means nothing was set.
        string json = JsonText.Write(options, default, static (writer, options) =>
        {
            writer.WriteStartObject();
            Write(writer, "model", options.ModelId);
            Write(writer, "temperature", options.Temperature);
            Write(writer, "top_p", options.TopP);
            Write(writer, "top_k", options.TopK);
            Write(writer, "max_tokens", options.MaxOutputTokens);
            Write(writer, "seed", options.Seed);
            Write(writer, "frequency_penalty", options.FrequencyPenalty);
            Write(writer, "presence_penalty", options.PresencePenalty);
            if (options.StopSequences is { Count: > 0 } stop)
            {
                writer.WriteStartArray("stop");
                foreach (var s in stop)
                {
                    writer.WriteStringValue(s);
                }
                writer.WriteEndArray();
            }
            if (options.ResponseFormat is ChatResponseFormatJson json)
            {
                writer.WriteString("response_format", json.Schema is null ? "json" : "json_schema");
            }
            if (options.Tools is { Count: > 0 } tools)
            {
                writer.WriteStartArray("tools");
                foreach (var tool in tools)
                {
                    writer.WriteStringValue(tool.Name);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        });
        return json.Length == 2 ? null : json;
    }

    private static void Write(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Write(Utf8JsonWriter writer, string name, float? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void Write(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }
}
