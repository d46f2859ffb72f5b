using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Tailor.Local.Gguf;

namespace Tailor.Local.Training;

/// <summary>
/// Hyperparameters of a training run: one flat, printable record (mistral-finetune's <c>TrainArgs</c>), validated before
/// any native call. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The fields that decide the run's trajectory (everything but validation, checkpoint, thread and output settings) make up
/// <see cref="Fingerprint"/>; a checkpoint written under one fingerprint only resumes under the same one.
/// </remarks>
public sealed record TrainingOptions
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Rows of <see cref="SequenceLength"/> tokens per micro-batch (B).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Tokens per row (T); examples are packed back to back into rows of this length. At most the model's context length.</summary>
    public int SequenceLength { get; init; } = 256;

    /// <summary>Micro-batches whose gradients add up before one optimizer step.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Peak learning rate (after warm-up).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Learning rate at the last step; null: a tenth of <see cref="LearningRate"/>.</summary>
    public float? MinLearningRate { get; init; }

    /// <summary>Steps of linear warm-up; null: 5 % of <see cref="Steps"/>.</summary>
    public int? WarmupSteps { get; init; }

    public LearningRateDecay Schedule { get; init; } = LearningRateDecay.Cosine;

    public float Beta1 { get; init; } = 0.9f;

    public float Beta2 { get; init; } = 0.999f;

    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Decoupled (AdamW) weight decay, applied to matrices only; norm gains never decay.</summary>
    public float WeightDecay { get; init; } = 0.1f;

    /// <summary>Clip the global L2 norm of the gradient (of the mean loss) to this; 0 disables clipping.</summary>
    public float MaxGradNorm { get; init; } = 1f;

    /// <summary>Measure validation loss every this many steps (and at the end); 0: only at the end.</summary>
    public int ValidationEvery { get; init; }

    /// <summary>Share of the examples held out for validation when no validation set is given (0 to 0.5).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Write a checkpoint every this many steps; 0: only when cancelled.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go; null: <c>&lt;output&gt;.checkpoints</c> next to the output.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Checkpoints kept; older ones are deleted after a newer one is safely on disk.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Seeds the data order (and LoRA's initialisation and dropout). Same seed, same data, same options: same bits.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// CPU threads; null: measured, from every core down to 1, keeping the fastest (re-measured every 200 steps; on a busy
    /// machine fewer threads can be much faster). Results do not depend on it (the kernels reduce within one thread).
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>A LoRA fine-tune over the frozen base; null: full fine-tuning of every weight.</summary>
    public LoraOptions? Lora { get; init; }

    /// <summary>Element type of the written model's matrices (F32 or F16); adapters are always F32.</summary>
    public GgmlType OutputType { get; init; } = GgmlType.F32;

    /// <summary>After writing, load the output in llama.cpp and check that its logits match the trained graph's.</summary>
    public bool VerifyExport { get; init; } = true;

    /// <summary>The learning-rate schedule these options describe.</summary>
    [JsonIgnore]
    public LearningRateSchedule LearningRateSchedule =>
        new(LearningRate, MinLearningRate ?? LearningRate / 10, WarmupSteps ?? Steps / 20, Steps, Schedule);

    /// <summary>Throws <see cref="TrainingException"/> (a bad-input one) naming the first invalid field and its allowed range.</summary>
    public TrainingOptions Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new TrainingException(message, isInputError: true);
            }
        }

        Require(Steps >= 1, $"steps must be at least 1 (got {Steps})");
        Require(BatchSize >= 1, $"batch size must be at least 1 (got {BatchSize})");
        Require(SequenceLength >= 2, $"sequence length must be at least 2 (got {SequenceLength})");
        Require(AccumulationSteps >= 1, $"accumulation steps must be at least 1 (got {AccumulationSteps})");
        Require(float.IsFinite(LearningRate) && LearningRate >= 0, $"learning rate must be a finite number >= 0 (got {LearningRate})");
        Require(MinLearningRate is null || (float.IsFinite(MinLearningRate.Value) && MinLearningRate >= 0 && MinLearningRate <= LearningRate), "the minimum learning rate must lie between 0 and the learning rate");
        Require(WarmupSteps is null || (WarmupSteps >= 0 && WarmupSteps <= Steps), $"warm-up steps must lie between 0 and the step count {Steps}");
        Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, "beta1 and beta2 must lie in [0, 1)");
        Require(Epsilon is >= 0 and < 1, "epsilon must lie in [0, 1)");
        Require(WeightDecay is >= 0 and <= 1, "weight decay must lie in [0, 1]");
        Require(float.IsFinite(MaxGradNorm) && MaxGradNorm >= 0, "the clipping norm must be >= 0 (0 disables clipping)");
        Require(ValidationEvery >= 0 && CheckpointEvery >= 0, "validation and checkpoint intervals must be >= 0");
        Require(ValidationFraction is >= 0 and <= 0.5, $"the validation fraction must lie in [0, 0.5] (got {ValidationFraction})");
        Require(KeepCheckpoints >= 1, "keep at least 1 checkpoint");
        Require(Threads is null or >= 1, "threads must be at least 1");
        Require(OutputType is GgmlType.F32 or GgmlType.F16, "the output type must be f32 or f16");
        if (Lora is { } lora)
        {
            Require(lora.Rank >= 1, $"LoRA rank must be at least 1 (got {lora.Rank})");
            Require(float.IsFinite(lora.Alpha) && lora.Alpha > 0, "LoRA alpha must be positive");
            Require(lora.Dropout is >= 0 and < 1, "LoRA dropout must lie in [0, 1)");
            Require(lora.Targets.Count > 0, "LoRA needs at least one target (" + string.Join(", ", LoraOptions.AllTargets) + ")");
            foreach (var target in lora.Targets)
            {
                Require(LoraOptions.AllTargets.Contains(target), $"unknown LoRA target '{target}'; the targets are {string.Join(", ", LoraOptions.AllTargets)}");
            }
        }

        return this;
    }

    /// <summary>
    /// A hash of the fields that decide which weights the run produces: the same fingerprint, data and ggml build give the
    /// same bits. Validation, checkpoint, thread and output settings are not part of it.
    /// </summary>
    public string Fingerprint()
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"steps={Steps};b={BatchSize};t={SequenceLength};accum={AccumulationSteps};lr={LearningRate:R};min={LearningRateSchedule.Minimum:R};" +
            $"warmup={LearningRateSchedule.WarmupSteps};decay={Schedule};b1={Beta1:R};b2={Beta2:R};eps={Epsilon:R};wd={WeightDecay:R};clip={MaxGradNorm:R};" +
            $"val={ValidationFraction:R};seed={Seed};lora={(Lora is { } l ? $"{l.Rank}/{l.Alpha:R}/{string.Join(',', l.Targets)}/{l.Dropout:R}" : "none")}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
