using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Store;

namespace Tailor.Data.Export;

/// <summary>Turns a logged <see cref="Interaction"/> into a training <see cref="Conversation"/> with its lineage.</summary>
public static class InteractionConversion
{
    /// <summary>MEAI's settings (every content type) but compact: arguments are one-line JSON strings.</summary>
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>
    /// The example for <paramref name="interaction"/>: the system prompt the model saw (when asked), the
    /// caller's messages, and the model's answer, or <paramref name="correction"/> in its place.
    /// Null when there is no assistant answer to learn from.
    /// </summary>
    /// <param name="interaction">The logged exchange.</param>
    /// <param name="includeSystemPrompt">Start with the system prompt the model saw.</param>
    /// <param name="correction">An answer to use in place of the model's.</param>
    /// <param name="rating">A feedback score, written as the example's <c>rating</c> (what <c>dedup --keep best-rated</c> reads).</param>
    public static Conversation? ToConversation(Interaction interaction, bool includeSystemPrompt = true, string? correction = null, double? rating = null)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var messages = new List<ConversationMessage>();
        bool requestHasSystem = interaction.Request.Any(m => m.Role == ChatRole.System);
        if (includeSystemPrompt && !requestHasSystem && !string.IsNullOrWhiteSpace(interaction.PromptText))
        {
            messages.Add(ConversationMessage.System(interaction.PromptText));
        }
        foreach (var message in interaction.Request)
        {
            if (message.Role == ChatRole.System && !includeSystemPrompt)
            {
                continue;
            }
            messages.AddRange(Convert(message));
        }
        if (correction is not null)
        {
            messages.Add(ConversationMessage.Assistant(correction));
        }
        else
        {
            foreach (var message in interaction.Response)
            {
                messages.AddRange(Convert(message));
            }
        }
        if (messages.Count == 0 || messages[^1].Role != MessageRole.Assistant || (messages[^1].Content is null or "" && messages[^1].ToolCalls.Count == 0))
        {
            return null;
        }

        var source = new ConversationSource(null, 0, interaction.Id)
        {
            Model = interaction.ModelId,
            Route = interaction.Route,
            PromptVersion = interaction.PromptVersion,
        };
        return new Conversation
        {
            Messages = messages,
            Source = source,
            Metadata = rating is { } score
                ? new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["source"] = SourceJson(interaction, correction is not null), ["rating"] = JsonSerializer.SerializeToElement(score, Compact.GetTypeInfo(typeof(double))) }
                : new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["source"] = SourceJson(interaction, correction is not null) },
        };
    }

    private static IEnumerable<ConversationMessage> Convert(ChatMessage message)
    {
        var role = message.Role == ChatRole.System ? MessageRole.System
            : message.Role == ChatRole.Assistant ? MessageRole.Assistant
            : message.Role == ChatRole.Tool ? MessageRole.Tool
            : MessageRole.User;
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        if (results.Count > 0)
        {
            foreach (var result in results)
            {
                yield return ConversationMessage.ToolResult(result.CallId, ResultText(result.Result));
            }
            yield break;
        }
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(c => new ToolCall(c.CallId, c.Name, JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>(), Compact.GetTypeInfo(typeof(IDictionary<string, object?>)))))
            .ToList();
        string text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length == 0 && calls.Count == 0)
        {
            yield break;
        }
        yield return new ConversationMessage(role, text.Length == 0 && calls.Count > 0 ? null : text) { ToolCalls = calls, Name = message.AuthorName };
    }

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement e when e.ValueKind == JsonValueKind.String => e.GetString() ?? "",
        JsonElement e => e.GetRawText(),
        _ => JsonSerializer.Serialize(result, Compact.GetTypeInfo(typeof(object))),
    };

    private static JsonElement SourceJson(Interaction interaction, bool corrected)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("interaction_id", interaction.Id);
            writer.WriteString("started_at", interaction.StartedAt);
            if (interaction.Route is not null)
            {
                writer.WriteString("route", interaction.Route);
            }
            if (interaction.ModelId is not null)
            {
                writer.WriteString("model", interaction.ModelId);
            }
            if (interaction.PromptVersion is not null)
            {
                writer.WriteString("prompt_version", interaction.PromptVersion);
            }
            if (corrected)
            {
                writer.WriteBoolean("corrected", true);
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
