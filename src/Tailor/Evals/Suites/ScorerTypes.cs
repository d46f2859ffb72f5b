namespace Tailor.Evals.Suites;

/// <summary>The scorer types a suite can name, and which of them take a <c>not-</c> prefix.</summary>
public static class ScorerTypes
{
    public const string Exact = "exact";
    public const string Contains = "contains";
    public const string IContains = "icontains";
    public const string ContainsAny = "contains-any";
    public const string ContainsAll = "contains-all";
    public const string IContainsAny = "icontains-any";
    public const string IContainsAll = "icontains-all";
    public const string Regex = "regex";
    public const string StartsWith = "starts-with";
    public const string IsJson = "is-json";
    public const string JsonSchema = "json-schema";
    public const string JsonField = "json-field";
    public const string Numeric = "numeric";
    public const string F1 = "f1";
    public const string Bleu = "bleu";
    public const string RougeL = "rouge-l";
    public const string Length = "length";
    public const string Refusal = "refusal";
    public const string Moderation = "moderation";
    public const string Latency = "latency";
    public const string Cost = "cost";
    public const string Judge = "judge";

    /// <summary>Every type, in the order the docs list them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Exact, Contains, IContains, ContainsAny, ContainsAll, IContainsAny, IContainsAll, Regex, StartsWith,
        IsJson, JsonSchema, JsonField, Numeric, F1, Bleu, RougeL, Length, Refusal, Moderation, Latency, Cost, Judge,
    ];

    /// <summary>Deterministic checks whose result can be inverted with <c>not-</c>.</summary>
    public static IReadOnlySet<string> Negatable { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Exact, Contains, IContains, ContainsAny, ContainsAll, IContainsAny, IContainsAll, Regex, StartsWith, IsJson, JsonSchema, JsonField,
    };

    /// <summary>Types that compare with the case's <c>expected</c> when they are given no value.</summary>
    public static IReadOnlySet<string> UsesExpected { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Exact, Contains, IContains, ContainsAny, ContainsAll, IContainsAny, IContainsAll, StartsWith, JsonField, Numeric, F1, Bleu, RougeL,
    };

    /// <summary>Whether the type (without <c>not-</c>) is known.</summary>
    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
