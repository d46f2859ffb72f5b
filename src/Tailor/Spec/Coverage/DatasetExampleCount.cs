namespace Tailor.Spec.Coverage;

/// <summary>How many examples of one dataset name a clause.</summary>
/// <param name="File">The dataset file, as written in tailor.yaml.</param>
/// <param name="Examples">Examples whose tags name the clause.</param>
public sealed record DatasetExampleCount(string File, long Examples);
