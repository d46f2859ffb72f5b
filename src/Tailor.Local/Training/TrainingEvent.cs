using System.Text.Json.Serialization;

namespace Tailor.Local.Training;

/// <summary>
/// Something a training run reports while it runs. The worker process writes each one as a JSON line whose
/// <c>event</c> property names the kind (<c>started</c>, <c>step</c>, <c>validation</c>, <c>checkpoint</c>, <c>verified</c>,
/// <c>completed</c>, <c>cancelled</c>, <c>failed</c>). Immutable.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(TrainingStarted), "started")]
[JsonDerivedType(typeof(TrainingStepCompleted), "step")]
[JsonDerivedType(typeof(ValidationCompleted), "validation")]
[JsonDerivedType(typeof(CheckpointSaved), "checkpoint")]
[JsonDerivedType(typeof(ExportVerified), "verified")]
[JsonDerivedType(typeof(TrainingCompleted), "completed")]
[JsonDerivedType(typeof(TrainingCancelled), "cancelled")]
[JsonDerivedType(typeof(TrainingFailed), "failed")]
public abstract record TrainingEvent;

/// <summary>The model is loaded, the data packed and the graphs built; training begins at <see cref="StartStep"/> + 1.</summary>
/// <param name="Mode"><c>full</c> or <c>lora</c>.</param>
/// <param name="Parameters">Weights of the model.</param>
/// <param name="TrainableParameters">Weights the optimizer updates (all for a full fine-tune, A and B for LoRA).</param>
/// <param name="TrainingExamples">Examples in the training split.</param>
/// <param name="ValidationExamples">Examples in the validation split.</param>
/// <param name="TrainedTokens">Tokens that carry loss in one pass over the training split.</param>
/// <param name="MicroBatchesPerEpoch">Packed micro-batches in one pass over the training split.</param>
/// <param name="StartStep">0 for a new run; the checkpoint's step when resuming.</param>
/// <param name="TotalSteps">The last step.</param>
/// <param name="Threads">CPU threads at most (fewer when measuring shows fewer are faster).</param>
/// <param name="GgmlVersion">The ggml build, recorded in checkpoints.</param>
public sealed record TrainingStarted(
    string Mode, long Parameters, long TrainableParameters, int TrainingExamples, int ValidationExamples, long TrainedTokens,
    int MicroBatchesPerEpoch, int StartStep, int TotalSteps, int Threads, string GgmlVersion) : TrainingEvent;

/// <summary>One optimizer step is done.</summary>
/// <param name="Step">1-based step just completed.</param>
/// <param name="TotalSteps">The last step.</param>
/// <param name="Loss">Mean next-token loss over the trained tokens of the step.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="GradientNorm">Global L2 norm of the mean-loss gradient, before clipping.</param>
/// <param name="Clipped">True when the gradient was scaled down to the clipping norm.</param>
/// <param name="Skipped">True when the step was skipped (no trained token, or a non-finite gradient); weights are unchanged.</param>
/// <param name="TrainedTokens">Tokens that carried loss in the step.</param>
/// <param name="TokensPerSecond">Positions processed (B × T × accumulation, masked or not) per second, over the last steps.</param>
/// <param name="ElapsedSeconds">Wall time since this process started training.</param>
/// <param name="RemainingSeconds">Estimate of the time left.</param>
/// <param name="Threads">CPU threads the step ran on.</param>
public sealed record TrainingStepCompleted(
    int Step, int TotalSteps, double Loss, float LearningRate, float GradientNorm, bool Clipped, bool Skipped, int TrainedTokens,
    double TokensPerSecond, double ElapsedSeconds, double RemainingSeconds, int Threads) : TrainingEvent;

/// <summary>Loss on the validation split at <see cref="Step"/>: mean next-token loss over its trained tokens, and exp of it.</summary>
public sealed record ValidationCompleted(int Step, double Loss, double Perplexity, long Tokens) : TrainingEvent;

/// <summary>A checkpoint of step <see cref="Step"/> is safely on disk at <see cref="Path"/>.</summary>
public sealed record CheckpointSaved(int Step, string Path) : TrainingEvent;

/// <summary>The written model was loaded in llama.cpp and its logits compared with the trained graph's on <see cref="Positions"/> positions.</summary>
/// <param name="MaxRelativeDifference">max |ours − llama.cpp| / max |logit| over those positions.</param>
/// <param name="Positions">Positions compared.</param>
/// <param name="ArgmaxAgreement">Share of positions where both pick the same next token.</param>
public sealed record ExportVerified(double MaxRelativeDifference, int Positions, double ArgmaxAgreement) : TrainingEvent;

/// <summary>The run finished; the outputs are written.</summary>
public sealed record TrainingCompleted(TrainingResult Result) : TrainingEvent;

/// <summary>The run was cancelled after <see cref="Step"/>; <see cref="CheckpointPath"/> resumes it (null when no step had completed).</summary>
public sealed record TrainingCancelled(int Step, string? CheckpointPath) : TrainingEvent;

/// <summary>The run failed; <see cref="IsInputError"/> as in <see cref="TrainingException"/>. <see cref="NativeAbort"/> marks a ggml assertion.</summary>
public sealed record TrainingFailed(string Message, bool IsInputError, bool NativeAbort = false) : TrainingEvent;
