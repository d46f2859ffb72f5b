namespace Tailor.Spec.Coverage;

/// <summary>An eval suite that was read for coverage.</summary>
/// <param name="Id">The suite's id (its <c>id:</c>, else its file name without extension).</param>
/// <param name="File">The suite file, as written in tailor.yaml.</param>
/// <param name="Cases">Number of cases in the suite.</param>
public sealed record SuiteSummary(string Id, string File, int Cases);
