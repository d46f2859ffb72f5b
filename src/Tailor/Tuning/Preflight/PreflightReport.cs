using Tailor.Data.Tokens;

namespace Tailor.Tuning.Preflight;

/// <summary>
/// Everything pre-flight found before a job may start: one <see cref="PreflightFile"/> per data file and the token
/// figures of the training data. A job with <see cref="HasErrors"/> starts only with <c>--force</c>. Immutable.
/// </summary>
public sealed record PreflightReport(IReadOnlyList<PreflightFile> Files, TokenReport Tokens)
{
    public bool HasErrors => Files.Any(f => f.HasErrors);

    /// <summary>Lines left out across the files.</summary>
    public long Rejected => Files.Sum(f => f.File.Rejected);
}
