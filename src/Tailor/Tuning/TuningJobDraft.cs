namespace Tailor.Tuning;

/// <summary>A data file the user asked to train or validate on, before pre-flight has read it.</summary>
/// <param name="Path">Absolute, or relative to the project.</param>
/// <param name="Weight">Sampling weight among training files (Mistral only; 1 elsewhere).</param>
public sealed record TuningDataSource(string Path, double Weight = 1);

/// <summary>
/// What the user asked for, before pre-flight: <see cref="TuningJobManager.PrepareAsync"/> reads the files, checks them
/// and turns this into a <see cref="TuningRequest"/> with hashes and counts. Immutable.
/// </summary>
public sealed record TuningJobDraft
{
    public required string Backend { get; init; }

    /// <summary>The base model as the user named it.</summary>
    public required string BaseModel { get; init; }

    /// <summary>The file or vendor id it resolves to.</summary>
    public required string BaseReference { get; init; }

    public IReadOnlyList<TuningDataSource> TrainingFiles { get; init; } = [];

    public IReadOnlyList<TuningDataSource> ValidationFiles { get; init; } = [];

    public TuningHyperparameters Hyperparameters { get; init; } = new();

    public string? Suffix { get; init; }

    public bool AutoStart { get; init; } = true;

    public Uri? BaseUrl { get; init; }

    public string? ApiKeyEnv { get; init; }

    /// <summary>Start even when pre-flight finds errors, leaving the rejected lines out.</summary>
    public bool Force { get; init; }
}
