namespace Tailor.Tuning.Registry;

/// <summary>
/// How a model was made: its base, the exact data (files with hashes and counts), the settings, the backend and job,
/// and what training measured. For a hosted model that cannot be downloaded, this is what keeps its recipe re-runnable.
/// Immutable; stored as JSON.
/// </summary>
public sealed record ModelLineage
{
    /// <summary>The base model as named (an alias, a vendor id, a file).</summary>
    public string? BaseModel { get; init; }

    /// <summary>The base model file or id the backend trained from.</summary>
    public string? BaseReference { get; init; }

    /// <summary>SHA-256 of the base GGUF, for local bases.</summary>
    public string? BaseSha256 { get; init; }

    public string? Backend { get; init; }

    public string? JobId { get; init; }

    /// <summary>The vendor's job id.</summary>
    public string? ExternalJobId { get; init; }

    public IReadOnlyList<TuningDataFile> Datasets { get; init; } = [];

    public TuningHyperparameters? Hyperparameters { get; init; }

    /// <summary>Training's last measurements.</summary>
    public ModelMetrics? Metrics { get; init; }

    /// <summary>The whole request, so <c>tailor tune start --from</c> can run it again.</summary>
    public TuningRequest? Recipe { get; init; }

    /// <summary>For imports: the trainer that made it (<c>mistral-finetune</c>, <c>axolotl</c>, ...) when known.</summary>
    public string? Trainer { get; init; }

    /// <summary>For imports: the file it was imported from.</summary>
    public string? ImportedFrom { get; init; }

    /// <summary>Files beside the model that record the run (the local trainer's run record).</summary>
    public string? RunRecord { get; init; }
}

/// <summary>What training measured at its end.</summary>
public sealed record ModelMetrics(int? Steps, double? TrainLoss, double? ValidLoss, double? ValidAccuracy, long? TrainedTokens);
