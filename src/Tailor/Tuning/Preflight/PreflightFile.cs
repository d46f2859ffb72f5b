using Tailor.Data.Validation;

namespace Tailor.Tuning.Preflight;

/// <summary>A line the chosen backend cannot train on although it is valid data (tool calls on the local trainer, say).</summary>
public sealed record BackendProblem(long Line, string Message);

/// <summary>
/// Pre-flight's findings on one data file: the dataset validator's report, the backend's own objections, and the
/// prepared copy (the accepted lines, in the backend's format) the job will use. Immutable once built.
/// </summary>
/// <param name="File">The file with its hash and counts.</param>
/// <param name="DisplayPath">How to show it (relative to the working directory when possible).</param>
/// <param name="Report">The validator's report.</param>
/// <param name="BackendProblems">Lines the backend refuses, first ones only (<see cref="BackendProblemCount"/> counts all).</param>
/// <param name="BackendProblemCount">How many lines the backend refused.</param>
/// <param name="PreparedPath">The prepared copy in the job's work directory.</param>
public sealed record PreflightFile(
    TuningDataFile File, string DisplayPath, ValidationReport Report, IReadOnlyList<BackendProblem> BackendProblems, long BackendProblemCount, string PreparedPath)
{
    /// <summary>True when a line was rejected or a file-level rule failed.</summary>
    public bool HasErrors => Report.HasErrors || BackendProblemCount > 0;
}
