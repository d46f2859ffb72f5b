using System.Text.Json;

namespace Tailor.Data.Export;

/// <summary>
/// Reads whether a moderation layer acted on an interaction from its metadata JSON. The contract:
/// <c>{"moderation": {"flagged": true}}</c>, or <c>{"moderation": {"verdicts": [{"action": "flag"|"block"|"redact", ...}]}}</c>,
/// or a top-level <c>"flagged": true</c>. Anything else, including no metadata, is not flagged.
/// </summary>
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
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            if (root.TryGetProperty("flagged", out var flagged) && flagged.ValueKind == JsonValueKind.True)
            {
                return true;
            }
            if (!root.TryGetProperty("moderation", out var moderation) || moderation.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            if (moderation.TryGetProperty("flagged", out flagged) && flagged.ValueKind == JsonValueKind.True)
            {
                return true;
            }
            return moderation.TryGetProperty("verdicts", out var verdicts) && verdicts.ValueKind == JsonValueKind.Array
                && verdicts.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("action", out var action)
                    && action.ValueKind == JsonValueKind.String && action.GetString() is "flag" or "block" or "redact");
        }
        catch (JsonException)
        {
            // Unreadable metadata is not evidence of a flag; the export reports what it read.
            return false;
        }
    }
}
