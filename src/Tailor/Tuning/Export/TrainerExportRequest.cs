namespace Tailor.Tuning.Export;

/// <summary>What to export for an external trainer. Immutable.</summary>
public sealed record TrainerExportRequest
{
    public required ExternalTrainer Trainer { get; init; }

    /// <summary>The base model as the trainer names it: a Hugging Face id or a local folder (mistral-finetune wants the downloaded folder).</summary>
    public required string BaseModel { get; init; }

    public IReadOnlyList<TuningDataSource> TrainingFiles { get; init; } = [];

    public IReadOnlyList<TuningDataSource> ValidationFiles { get; init; } = [];

    public TuningHyperparameters Hyperparameters { get; init; } = new();

    /// <summary>Names the run (its output folder, the model id on import).</summary>
    public string Name { get; init; } = "tailor-export";

    /// <summary>Where to write; must be empty or absent.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Export even when pre-flight found errors, leaving the rejected lines out.</summary>
    public bool Force { get; init; }
}
