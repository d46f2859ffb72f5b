using System.Text.Json;
using Tailor.Chat;

namespace Tailor.Data.Export;

/// <summary>
/// Reads whether the moderation layer found anything in an interaction, from the verdicts
/// <see cref="ModerationChatClient"/> writes into its metadata (<c>moderation.input</c>, <c>moderation.output</c>).
/// </summary>
/// <remarks>A verdict whose action is anything but <c>allow</c> (flag, redact, block) counts. Thread-safe; never throws.</remarks>
public static class ModerationFlags
{
    public static bool IsFlagged(string? metadataJson)
    {
        if (string.IsNullOrEmpty(metadataJson))
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(metadataJson);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && (Acted(root, ModerationChatClient.InputVerdictKey) || Acted(root, ModerationChatClient.OutputVerdictKey));
        }
        catch (JsonException)
        {
            // Unreadable metadata is not evidence of a flag; the export reports what it read.
            return false;
        }
    }

    private static bool Acted(JsonElement root, string key) =>
        root.TryGetProperty(key, out var verdict)
        && verdict.ValueKind == JsonValueKind.Object
        && verdict.TryGetProperty("action", out var action)
        && action.ValueKind == JsonValueKind.String
        && action.GetString() is { } name
        && name != "allow";
}
