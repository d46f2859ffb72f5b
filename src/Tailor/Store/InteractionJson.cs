using System.Text.Json;
using Microsoft.Extensions.AI;

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
        var fields = new Dictionary<string, object?>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                fields[name] = value;
            }
        }
        Add("model", options.ModelId);
        Add("temperature", options.Temperature);
        Add("top_p", options.TopP);
        Add("top_k", options.TopK);
        Add("max_tokens", options.MaxOutputTokens);
        Add("seed", options.Seed);
        Add("frequency_penalty", options.FrequencyPenalty);
        Add("presence_penalty", options.PresencePenalty);
        if (options.StopSequences is { Count: > 0 } stop)
        {
            fields["stop"] = stop.ToArray();
        }
        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            fields["response_format"] = json.Schema is null ? "json" : "json_schema";
        }
        if (options.Tools is { Count: > 0 } tools)
        {
            fields["tools"] = tools.Select(t => t.Name).ToArray();
        }
        if (fields.Count == 0)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case string s: writer.WriteStringValue(s); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case float f: writer.WriteNumberValue(f); break;
            case double d: writer.WriteNumberValue(d); break;
            case string[] arr:
                writer.WriteStartArray();
                foreach (var s in arr)
                {
                    writer.WriteStringValue(s);
                }
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(value?.ToString()); break;
        }
    }
}
