namespace Tailor.Local.Training;

/// <summary>
/// Everything one training run needs: the base model, the data, the options, where to write, and whether to resume.
/// Immutable; serialisable to JSON (the worker process receives it that way).
/// </summary>
public sealed record TrainingJob
{
    /// <summary>The llama GGUF to start from (F32, F16 or BF16 weights; a SentencePiece-style vocabulary).</summary>
    public required string BaseModelPath { get; init; }

    /// <summary>Where the trained model (or the LoRA adapter) goes.</summary>
    public required string OutputPath { get; init; }

    /// <summary>The training examples.</summary>
    public required IReadOnlyList<TrainingExample> Examples { get; init; }

    /// <summary>A validation set; null: <see cref="TrainingOptions.ValidationFraction"/> of <see cref="Examples"/> is held out.</summary>
    public IReadOnlyList<TrainingExample>? ValidationExamples { get; init; }

    public TrainingOptions Options { get; init; } = new();

    /// <summary>A checkpoint file to resume from, <c>latest</c> for the newest in the checkpoint directory, or null to start afresh.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Where the JSON run record goes; null: <c>&lt;output&gt;.run.json</c>.</summary>
    public string? RunRecordPath { get; init; }

    /// <summary>Model name stored as <c>general.name</c> of a merged output; null: the output's file name.</summary>
    public string? ModelName { get; init; }

    internal string ResolvedRunRecordPath => RunRecordPath ?? OutputPath + ".run.json";

    internal string ResolvedCheckpointDirectory => Options.CheckpointDirectory ?? OutputPath + ".checkpoints";
}
