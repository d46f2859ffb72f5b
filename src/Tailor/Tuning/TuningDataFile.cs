namespace Tailor.Tuning;

/// <summary>Whether a dataset file trains the model or measures it.</summary>
public enum TuningDataRole
{
    Training,
    Validation,
}

/// <summary>
/// One dataset file of a job as the user named it, with what pre-flight found in it: its hash and counts make the
/// lineage exact (the same file, byte for byte) and the recipe re-runnable. Immutable.
/// </summary>
/// <param name="Path">As given (relative to the project when it lies inside it).</param>
/// <param name="Role">Training or validation.</param>
/// <param name="Weight">Sampling weight among training files (Mistral's <c>training_files[].weight</c>); 1 elsewhere.</param>
/// <param name="Sha256">SHA-256 of the file's bytes, lowercase hex.</param>
/// <param name="Bytes">Size of the file.</param>
/// <param name="Lines">Lines read (blank ones included).</param>
/// <param name="Examples">Valid examples: what the job trains or validates on.</param>
/// <param name="Rejected">Lines left out because they broke a rule (only with <c>--force</c>; otherwise the job does not start).</param>
public sealed record TuningDataFile(
    string Path, TuningDataRole Role, double Weight, string Sha256, long Bytes, long Lines, long Examples, long Rejected);
