namespace Tailor.Evals.Judging;

/// <summary>What a judge answered: a score (1-5), a pass/fail, or a pairwise winner, with its reason.</summary>
/// <param name="Score">1-5 score; null unless the scale is 1-5.</param>
/// <param name="Pass">Pass/fail; null unless the scale is pass/fail.</param>
/// <param name="Winner">"A", "B" or "tie" for a pairwise comparison.</param>
/// <param name="Reason">The judge's stated reason.</param>
public sealed record JudgeVerdict(double? Score, bool? Pass, string? Winner, string Reason);
