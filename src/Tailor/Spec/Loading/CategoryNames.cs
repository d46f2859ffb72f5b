using Tailor.Moderation;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>
/// Suggestions for a moderation category the taxonomy does not know. Spelling distance catches
/// typos; the words people reach for first ("medical", "pii", "jailbreak") are mapped by meaning.
/// </summary>
internal static class CategoryNames
{
    private static readonly Dictionary<string, string> ByMeaning = new(StringComparer.OrdinalIgnoreCase)
    {
        ["medical"] = ModerationCategories.HealthAdvice,
        ["health"] = ModerationCategories.HealthAdvice,
        ["medical_advice"] = ModerationCategories.HealthAdvice,
        ["legal"] = ModerationCategories.LegalAdvice,
        ["law"] = ModerationCategories.LegalAdvice,
        ["financial"] = ModerationCategories.FinancialAdvice,
        ["finance"] = ModerationCategories.FinancialAdvice,
        ["investment"] = ModerationCategories.FinancialAdvice,
        ["pii"] = ModerationCategories.Privacy,
        ["personal_data"] = ModerationCategories.Privacy,
        ["personal_information"] = ModerationCategories.Privacy,
        ["jailbreak"] = ModerationCategories.PromptAttack,
        ["prompt_injection"] = ModerationCategories.PromptAttack,
        ["injection"] = ModerationCategories.PromptAttack,
        ["suicide"] = ModerationCategories.SelfHarm,
        ["csam"] = ModerationCategories.ChildSexualExploitation,
        ["child_abuse"] = ModerationCategories.ChildSexualExploitation,
        ["hate_speech"] = ModerationCategories.Hate,
        ["bullying"] = ModerationCategories.Harassment,
        ["threats"] = ModerationCategories.Violence,
        ["violent"] = ModerationCategories.Violence,
        ["nsfw"] = ModerationCategories.Sexual,
        ["adult"] = ModerationCategories.Sexual,
        ["sexual_content"] = ModerationCategories.Sexual,
        ["credentials"] = ModerationCategories.Secrets,
        ["passwords"] = ModerationCategories.Secrets,
        ["api_keys"] = ModerationCategories.Secrets,
        ["copyright"] = ModerationCategories.IntellectualProperty,
        ["weapons"] = ModerationCategories.Weapons,
        ["cbrn"] = ModerationCategories.Weapons,
        ["crime"] = ModerationCategories.NonViolentCrimes,
        ["fraud"] = ModerationCategories.NonViolentCrimes,
        ["hacking"] = ModerationCategories.NonViolentCrimes,
        ["misinformation"] = ModerationCategories.Elections,
        ["election"] = ModerationCategories.Elections,
        ["code_execution"] = ModerationCategories.CodeAbuse,
        ["tool_abuse"] = ModerationCategories.CodeAbuse,
    };

    public static IReadOnlyList<string> Known { get; } = ModerationCategories.All.Select(c => c.Id).ToArray();

    /// <summary>The category the user probably meant, or null.</summary>
    public static string? Suggestion(string category)
    {
        string key = category.Trim().Replace('-', '_').Replace(' ', '_');
        return ByMeaning.TryGetValue(key, out string? meant) ? meant : Spelling.Closest(category, Known);
    }

    /// <summary>"did you mean 'x'?", or where to find the list when nothing is close.</summary>
    public static string Hint(string category) =>
        Suggestion(category) is { } meant
            ? $"did you mean '{meant}'?"
            : "the canonical categories are listed in docs/spec.md (policies)";
}
