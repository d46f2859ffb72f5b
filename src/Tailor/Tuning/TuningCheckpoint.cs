namespace Tailor.Tuning;

/// <summary>
/// A saved state of a job at <see cref="Step"/>: a checkpoint file locally (what <c>resume</c> continues from), a usable
/// model at OpenAI (<c>fine_tuned_model_checkpoint</c>), or a metrics point at Mistral. Immutable.
/// </summary>
/// <param name="Step">The step it was taken at.</param>
/// <param name="At">When.</param>
/// <param name="Reference">The checkpoint file or model id, when there is one.</param>
/// <param name="TrainLoss">Training loss at that step.</param>
/// <param name="ValidLoss">Validation loss at that step.</param>
/// <param name="ValidAccuracy">Mean token accuracy on the validation data.</param>
public sealed record TuningCheckpoint(int Step, DateTimeOffset At, string? Reference, double? TrainLoss = null, double? ValidLoss = null, double? ValidAccuracy = null);
