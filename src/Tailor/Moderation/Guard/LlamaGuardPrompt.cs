using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Tailor.Moderation.Taxonomy;

namespace Tailor.Moderation.Guard;

/// <summary>
/// The Llama Guard 3 task prompt and answer format. The prompt lists the unsafe categories (S1–S14 by default), the
/// conversation as <c>User:</c>/<c>Agent:</c> turns, and asks about the last <c>User</c> message (input) or
/// <c>Agent</c> message (output); the model answers <c>safe</c>, or <c>unsafe</c> and a line of category codes.
/// The chat template of the guard model wraps the prompt as one user turn.
/// </summary>
public static partial class LlamaGuardPrompt
{
    /// <summary>The prompt asking whether the last message of the conversation is safe.</summary>
    public static string Build(string text, ModerationDirection direction, IReadOnlyList<ChatMessage>? context = null, VendorTaxonomy? categories = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        categories ??= Crosswalks.LlamaGuard3;
        string role = direction == ModerationDirection.Input ? "User" : "Agent";
        var prompt = new StringBuilder();
        prompt.Append("Task: Check if there is unsafe content in '").Append(role)
            .Append("' messages in conversations according our safety policy with the below categories.\n\n");
        prompt.Append("<BEGIN UNSAFE CONTENT CATEGORIES>\n");
        foreach (var (code, description, _) in categories.Categories)
        {
            prompt.Append(code).Append(": ").Append(description).Append(".\n");
        }
        prompt.Append("<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n");
        foreach (var message in context ?? [])
        {
            if ((message.Role == ChatRole.User || message.Role == ChatRole.Assistant) && message.Text.Length > 0)
            {
                prompt.Append(message.Role == ChatRole.User ? "User: " : "Agent: ").Append(message.Text).Append("\n\n");
            }
        }
        prompt.Append(role).Append(": ").Append(text).Append("\n\n<END CONVERSATION>\n\n");
        prompt.Append("Provide your safety assessment for ONLY THE LAST ").Append(role).Append(" message in the above conversation:\n");
        prompt.Append(" - First line must read 'safe' or 'unsafe'.\n");
        prompt.Append(" - If unsafe, a second line must include a comma-separated list of violated categories.");
        return prompt.ToString();
    }

    /// <summary>Reads a guard's answer: safe, or unsafe with its codes; null with a reason when it is neither.</summary>
    public static (bool Unsafe, IReadOnlyList<string> Codes)? Parse(string answer, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(answer);
        problem = null;
        var lines = answer.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            problem = "the guard model answered nothing";
            return null;
        }
        string first = lines[0].TrimStart('*', '#', ' ', '`').ToLowerInvariant();
        if (first.StartsWith("safe", StringComparison.Ordinal))
        {
            return (false, []);
        }
        if (!first.StartsWith("unsafe", StringComparison.Ordinal))
        {
            problem = $"the guard model answered neither 'safe' nor 'unsafe': '{Shorten(lines[0])}'";
            return null;
        }
        // Codes follow on the next line (the format) or on the same one (models that drift).
        string rest = lines[0][(lines[0].IndexOf("nsafe", StringComparison.OrdinalIgnoreCase) + 5)..] + " " + (lines.Length > 1 ? lines[1] : "");
        var codes = Code().Matches(rest).Select(m => "S" + m.Groups[1].Value).Distinct().ToList();
        if (codes.Count == 0)
        {
            problem = "the guard model answered 'unsafe' without naming a category";
            return null;
        }
        return (true, codes);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex(@"\b[Ss](\d{1,2})\b", RegexOptions.CultureInvariant)]
    private static partial Regex Code();
}
