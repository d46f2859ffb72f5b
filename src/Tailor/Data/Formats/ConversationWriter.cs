using System.Text.Json;

namespace Tailor.Data.Formats;

/// <summary>
/// Writes a <see cref="Conversation"/> as one JSONL line in a target format. Keys the format does
/// not define but the example carried (<see cref="Conversation.Metadata"/>) are written back as they
/// were, so converting never drops what the user wrote. For Mistral, tool-call ids that are not
/// 9 letters or digits are replaced consistently in calls and the tool messages answering them.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ConversationWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The line (without newline) for <paramref name="conversation"/> in <paramref name="format"/>.</summary>
    public static byte[] ToJsonLine(Conversation conversation, DatasetFormat format)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, conversation, format);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, Conversation conversation, DatasetFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(conversation);
        if (format == DatasetFormat.ShareGpt)
        {
            throw new NotSupportedException("ShareGPT is an import format; write mistral, openai or text");
        }
        writer.WriteStartObject();
        if (conversation.IsText)
        {
            writer.WriteString("text", conversation.Text);
        }
        else
        {
            if (format == DatasetFormat.Text)
            {
                throw new NotSupportedException("a conversation has no pretraining text; write it as mistral or openai");
            }
            WriteConversation(writer, conversation, format);
        }
        bool metadataHasTags = conversation.Metadata.TryGetValue("metadata", out var meta)
            && meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("tags", out _);
        if (conversation.Tags.Count > 0 && !metadataHasTags && !conversation.Metadata.ContainsKey("tags"))
        {
            writer.WriteStartArray("tags");
            foreach (var tag in conversation.Tags)
            {
                writer.WriteStringValue(tag);
            }
            writer.WriteEndArray();
        }
        if (conversation.Metadata is RawJsonMap raw)
        {
            foreach (var (key, json) in raw.RawEntries)
            {
                writer.WritePropertyName(key);
                writer.WriteRawValue(json, skipInputValidation: true);
            }
        }
        else
        {
            foreach (var (key, value) in conversation.Metadata)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteConversation(Utf8JsonWriter writer, Conversation conversation, DatasetFormat format)
    {
        var ids = format == DatasetFormat.Mistral ? MistralIds(conversation) : null;
        if (format == DatasetFormat.Mistral && conversation.SystemPrompt is { } systemPrompt)
        {
            writer.WriteString("system_prompt", systemPrompt);
        }
        writer.WriteStartArray("messages");
        if (format == DatasetFormat.OpenAI && conversation.SystemPrompt is { } system)
        {
            writer.WriteStartObject();
            writer.WriteString("role", "system");
            writer.WriteString("content", system);
            writer.WriteEndObject();
        }
        foreach (var message in conversation.Messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role switch
            {
                MessageRole.System => "system",
                MessageRole.User => "user",
                MessageRole.Assistant => "assistant",
                _ => "tool",
            });
            if (message.ToolCallId is not null)
            {
                writer.WriteString("tool_call_id", Map(ids, message.ToolCallId));
            }
            if (message.Content is not null || message.ToolCalls.Count == 0)
            {
                writer.WriteString("content", message.Content);
            }
            if (message.Name is not null)
            {
                writer.WriteString("name", message.Name);
            }
            if (message.ToolCalls.Count > 0)
            {
                writer.WriteStartArray("tool_calls");
                foreach (var call in message.ToolCalls)
                {
                    writer.WriteStartObject();
                    if (call.Id is not null)
                    {
                        writer.WriteString("id", Map(ids, call.Id));
                    }
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", call.Name);
                    writer.WriteString("arguments", call.Arguments);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            if (message.Weight is { } weight)
            {
                writer.WriteNumber("weight", weight);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (conversation.Tools.Count > 0)
        {
            writer.WriteStartArray("tools");
            foreach (var tool in conversation.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", tool.Name);
                if (tool.Description is not null)
                {
                    writer.WriteString("description", tool.Description);
                }
                if (tool.ParametersJson is not null)
                {
                    writer.WritePropertyName("parameters");
                    writer.WriteRawValue(tool.ParametersJson, skipInputValidation: false);
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }

    private static string Map(Dictionary<string, string>? ids, string id) => ids is not null && ids.TryGetValue(id, out var mapped) ? mapped : id;

    /// <summary>New 9-character ids for the calls whose ids Mistral would reject, derived from the old id so a rerun gives the same file.</summary>
    private static Dictionary<string, string>? MistralIds(Conversation conversation)
    {
        Dictionary<string, string>? map = null;
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var call in conversation.Messages.SelectMany(m => m.ToolCalls))
        {
            if (call.Id is { } id && Validation.ConversationRules.IsMistralCallId(id))
            {
                taken.Add(id);
            }
        }
        foreach (var call in conversation.Messages.SelectMany(m => m.ToolCalls))
        {
            if (call.Id is not { } id || Validation.ConversationRules.IsMistralCallId(id) || (map?.ContainsKey(id) ?? false))
            {
                continue;
            }
            ulong hash = System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(id));
            string candidate;
            do
            {
                candidate = Base62(hash);
                hash = hash * 6364136223846793005UL + 1442695040888963407UL;
            }
            while (!taken.Add(candidate));
            (map ??= new(StringComparer.Ordinal))[id] = candidate;
        }
        return map;
    }

    private static string Base62(ulong value)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<char> chars = stackalloc char[9];
        for (int i = 0; i < 9; i++)
        {
            chars[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        return new string(chars);
    }
}
