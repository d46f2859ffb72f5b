using Tailor.Data.Tokens;

namespace Tailor.Tuning;

/// <summary>
/// Everything a backend gets to start (or dry-run) a job: the job as recorded, the prepared data files (only the
/// valid examples, in the backend's format, in the job's work directory), and the token figures pre-flight measured.
/// Immutable.
/// </summary>
/// <param name="Job">The job as recorded before it starts.</param>
/// <param name="TrainingFiles">Prepared training files, one per source file in the same order, with the source's weight.</param>
/// <param name="ValidationFiles">Prepared validation files.</param>
/// <param name="Tokens">Token report of the training data.</param>
/// <param name="ProjectDirectory">The directory of tailor.yaml: relative references resolve against it.</param>
public sealed record TuningLaunch(
    TuningJob Job, IReadOnlyList<PreparedFile> TrainingFiles, IReadOnlyList<PreparedFile> ValidationFiles, TokenReport Tokens, string ProjectDirectory)
{
    /// <summary>Resolves a reference of the request (a GGUF path) against the project.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(ProjectDirectory, path));
}

/// <summary>A data file as the backend receives it.</summary>
/// <param name="Path">The prepared file (absolute).</param>
/// <param name="Source">The user's file it came from.</param>
public sealed record PreparedFile(string Path, TuningDataFile Source);
