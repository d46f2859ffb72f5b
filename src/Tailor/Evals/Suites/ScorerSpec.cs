namespace Tailor.Evals.Suites;

/// <summary>
/// One scorer as written in a suite: its type (<c>contains</c>, <c>judge</c>, ...), the metric name it
/// reports, its weight in the case's score, its pass threshold, and its type-specific settings.
/// <see cref="Scoring.ScorerFactory"/> turns it into an <c>IEvaluator</c>.
/// </summary>
/// <remarks>Immutable; safe to share across threads.</remarks>
public sealed record ScorerSpec
{
    /// <summary>The scorer type without a <c>not-</c> prefix.</summary>
    public required string Type { get; init; }

    /// <summary>Written with a <c>not-</c> prefix: passes when the check fails.</summary>
    public bool Negate { get; init; }

    /// <summary>The metric name results are stored and gated under; the written type by default.</summary>
    public required string Metric { get; init; }

    /// <summary>Weight in the case's weighted score (0 keeps it out of the score).</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Value the metric must reach to pass; null uses the scorer's own default.</summary>
    public double? Threshold { get; init; }

    /// <summary>The text, pattern or number to compare with; null uses the case's <c>expected</c>.</summary>
    public string? Value { get; init; }

    /// <summary>Several values (<c>contains-any</c>, <c>contains-all</c>; several references for BLEU).</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Compare ignoring case.</summary>
    public bool IgnoreCase { get; init; }

    /// <summary>JSON Schema text (<c>json-schema</c>, <c>is-json</c> with a schema).</summary>
    public string? Schema { get; init; }

    /// <summary>Field path for <c>json-field</c>: <c>status</c>, <c>order.items[0].sku</c>.</summary>
    public string? Path { get; init; }

    /// <summary>Allowed absolute difference for <c>numeric</c>.</summary>
    public double Tolerance { get; init; }

    /// <summary>Bounds for <c>length</c> (in <see cref="Unit"/>), <c>latency</c> (ms) and <c>cost</c>.</summary>
    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary><c>chars</c> or <c>words</c>, for <c>length</c>.</summary>
    public string Unit { get; init; } = "chars";

    /// <summary><c>refuse</c> or <c>answer</c>, for <c>refusal</c>.</summary>
    public string Expect { get; init; } = "refuse";

    /// <summary>What the judge grades against (<c>judge</c>); the case's <c>expected</c> is the reference when <see cref="UseReference"/>.</summary>
    public string? Rubric { get; init; }

    /// <summary><c>1-5</c> or <c>pass-fail</c>, for <c>judge</c>.</summary>
    public string Scale { get; init; } = "1-5";

    /// <summary>Give the judge the case's expected output as the reference answer.</summary>
    public bool UseReference { get; init; }

    /// <summary>Judge model alias for this scorer; the suite's judge when null.</summary>
    public string? Judge { get; init; }

    /// <summary>Judge prompt template for this scorer; the suite's or the built-in one when null.</summary>
    public string? Prompt { get; init; }

    /// <summary>Moderation categories the <c>moderation</c> scorer looks at; all when empty.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Prices per million tokens for <c>cost</c>.</summary>
    public double? InputPrice { get; init; }

    public double? OutputPrice { get; init; }

    /// <summary>The scorer used when neither the case nor the suite names one: case-insensitive <c>contains</c> of <c>expected</c>, reported as <c>accuracy</c>.</summary>
    public static ScorerSpec DefaultFor() => new() { Type = "contains", Metric = "accuracy", IgnoreCase = true };
}
