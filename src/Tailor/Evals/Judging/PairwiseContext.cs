using Microsoft.Extensions.AI.Evaluation;

namespace Tailor.Evals.Judging;

/// <summary>The other answer a <see cref="PairwiseJudgeEvaluator"/> compares the evaluated answer with (the baseline's).</summary>
public sealed class PairwiseContext(string baselineText, string? rubric = null, string? reference = null)
    : EvaluationContext(ContextName, baselineText)
{
    public const string ContextName = "Pairwise baseline";

    public string BaselineText { get; } = baselineText;

    public string? Rubric { get; } = rubric;

    public string? Reference { get; } = reference;
}
