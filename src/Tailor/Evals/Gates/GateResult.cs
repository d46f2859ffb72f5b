using Tailor.Evals.Statistics;

namespace Tailor.Evals.Gates;

/// <summary>A gate checked against eval results.</summary>
/// <param name="GateId">The gate's id in tailor.yaml.</param>
/// <param name="Description">What it protects.</param>
/// <param name="Metric">The metric it reads.</param>
/// <param name="Slice">The tag it is restricted to, if any.</param>
/// <param name="Requirement">The rule in words: "mean >= 0.8", "candidate - baseline >= -0.02 at 95%".</param>
/// <param name="Observed">What was measured: the mean (absolute gates) or the paired difference (comparisons), with its interval.</param>
/// <param name="Passed">Whether the gate holds.</param>
/// <param name="Message">Why it passed or failed, with a hint when it could not be checked.</param>
/// <param name="Runs">The run ids it read.</param>
public sealed record GateResult(
    string GateId, string? Description, string Metric, string? Slice, string Requirement, Interval? Observed, bool Passed, string Message, IReadOnlyList<string> Runs);
