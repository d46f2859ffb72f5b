using Tailor.Text;
namespace Tailor.Spec.Loading;

/// <summary>Reads a <see cref="PolicyAction"/> written in the spec: allow, flag, redact or block, in any case.</summary>
internal static class PolicyActions
{
    private static readonly string[] Names = ["allow", "flag", "redact", "block"];

    // Words people write for an action; offered as a hint, never silently accepted.
    private static readonly Dictionary<string, string> ByMeaning = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deny"] = "block",
        ["reject"] = "block",
        ["refuse"] = "block",
        ["stop"] = "block",
        ["mask"] = "redact",
        ["scrub"] = "redact",
        ["log"] = "flag",
        ["warn"] = "flag",
        ["report"] = "flag",
        ["pass"] = "allow",
        ["ignore"] = "allow",
        ["none"] = "allow",
    };

    public static bool TryParse(string text, out PolicyAction action)
    {
        action = PolicyAction.Flag;
        switch (text.Trim().ToLowerInvariant())
        {
            case "allow": action = PolicyAction.Allow; return true;
            case "flag": action = PolicyAction.Flag; return true;
            case "redact": action = PolicyAction.Redact; return true;
            case "block": action = PolicyAction.Block; return true;
            default: return false;
        }
    }

    public static string? Hint(string text) =>
        ByMeaning.TryGetValue(text.Trim(), out string? meant) || (meant = Spelling.Closest(text, Names)) is not null
            ? $"did you mean '{meant}'?"
            : null;
}
