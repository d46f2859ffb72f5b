using System.Globalization;
using System.Text.Json;

namespace Tailor.Evals.Judging;

/// <summary>
/// Reads a judge's JSON answer, tolerating what models do around it (a Markdown fence, a sentence
/// before or after, a score written as a string). Never throws: a malformed answer gives an error message.
/// </summary>
public static class JudgeVerdictParser
{
    public static bool TryParse(string text, out JudgeVerdict? verdict, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        verdict = null;
        int start = text.IndexOf('{', StringComparison.Ordinal);
        int end = text.LastIndexOf('}');
        if (start < 0 || end < start)
        {
            error = $"the judge's answer holds no JSON object: '{Short(text)}'";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text[start..(end + 1)]);
            JsonElement root = document.RootElement;
            string reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            double? score = root.TryGetProperty("score", out var s) ? Number(s) : null;
            bool? pass = root.TryGetProperty("pass", out var p) ? Bool(p) : null;
            string? winner = root.TryGetProperty("winner", out var w) && w.ValueKind == JsonValueKind.String
                ? w.GetString()!.Trim().ToUpperInvariant() switch { "A" => "A", "B" => "B", "TIE" => "tie", _ => null }
                : null;
            if (score is null && pass is null && winner is null)
            {
                error = $"the judge's JSON has no usable score, pass or winner: '{Short(text)}'";
                return false;
            }

            verdict = new JudgeVerdict(score, pass, winner, reason);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"the judge's answer is not valid JSON ({ex.Message.Split(" LineNumber", 2)[0]}): '{Short(text)}'";
            return false;
        }
    }

    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => null,
    };

    private static bool? Bool(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString()!.Trim().ToLowerInvariant() switch { "true" or "pass" or "yes" => true, "false" or "fail" or "no" => false, _ => null },
        _ => null,
    };

    private static string Short(string text)
    {
        string one = text.ReplaceLineEndings(" ").Trim();
        return one.Length > 120 ? one[..117] + "..." : one;
    }
}
