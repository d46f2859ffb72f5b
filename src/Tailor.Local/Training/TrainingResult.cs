namespace Tailor.Local.Training;

/// <summary>What a finished run produced. Immutable.</summary>
/// <param name="OutputPath">The merged model or the LoRA adapter.</param>
/// <param name="IsAdapter">True when <see cref="OutputPath"/> is a LoRA adapter (load it with its base model).</param>
/// <param name="RunRecordPath">The JSON run record: options, data hashes, metrics per step.</param>
/// <param name="Steps">Steps completed.</param>
/// <param name="FinalLoss">Training loss of the last step.</param>
/// <param name="ValidationLoss">Validation loss at the end, when there was a validation split.</param>
/// <param name="LastCheckpoint">The newest checkpoint written, if any.</param>
public sealed record TrainingResult(
    string OutputPath, bool IsAdapter, string RunRecordPath, int Steps, double FinalLoss, double? ValidationLoss, string? LastCheckpoint);
