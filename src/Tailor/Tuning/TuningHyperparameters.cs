namespace Tailor.Tuning;

/// <summary>
/// The training settings a user can ask for, in one vocabulary across backends. Null means "the backend's default".
/// Each backend says which ones it understands (<see cref="ITuningBackend.Validate"/>); one it cannot honour is an
/// error naming the option, never silently dropped. Immutable.
/// </summary>
public sealed record TuningHyperparameters
{
    /// <summary>Optimizer steps (Mistral <c>training_steps</c>; local <c>Steps</c>).</summary>
    public int? Steps { get; init; }

    /// <summary>Passes over the data (Mistral <c>epochs</c>, OpenAI <c>n_epochs</c>; local: turned into steps).</summary>
    public double? Epochs { get; init; }

    /// <summary>Peak learning rate (Mistral, local).</summary>
    public double? LearningRate { get; init; }

    /// <summary>OpenAI's <c>learning_rate_multiplier</c>.</summary>
    public double? LearningRateMultiplier { get; init; }

    /// <summary>Examples (OpenAI) or packed rows (local) per step.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Tokens per row (Mistral <c>seq_len</c>, local <c>SequenceLength</c>).</summary>
    public int? SequenceLength { get; init; }

    /// <summary>Share of the steps spent warming the learning rate up (Mistral <c>warmup_fraction</c>; local: warm-up steps).</summary>
    public double? WarmupFraction { get; init; }

    /// <summary>Decoupled weight decay (Mistral, local).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Seed of the data order (OpenAI <c>seed</c>, local).</summary>
    public int? Seed { get; init; }

    /// <summary>Train a LoRA adapter of this rank instead of every weight (local).</summary>
    public int? LoraRank { get; init; }

    /// <summary>LoRA alpha (local; default twice the rank).</summary>
    public double? LoraAlpha { get; init; }

    /// <summary>With LoRA: write base + adapter as one model instead of an adapter file (local).</summary>
    public bool? LoraMerge { get; init; }

    /// <summary>Write a checkpoint every this many steps (local; default a tenth of the steps).</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>Hold this share of the training examples out for validation loss (local).</summary>
    public double? ValidationFraction { get; init; }

    /// <summary>CPU threads (local; default measured).</summary>
    public int? Threads { get; init; }

    /// <summary>The names of the settings that are set, in the CLI's spelling (for "backend X does not support --y").</summary>
    public IReadOnlyList<string> SetOptionNames() =>
    [
        .. new (string Name, bool Set)[]
        {
            ("steps", Steps is not null), ("epochs", Epochs is not null), ("lr", LearningRate is not null),
            ("lr-multiplier", LearningRateMultiplier is not null), ("batch", BatchSize is not null), ("seq-len", SequenceLength is not null),
            ("warmup", WarmupFraction is not null), ("weight-decay", WeightDecay is not null), ("seed", Seed is not null),
            ("lora-rank", LoraRank is not null), ("lora-alpha", LoraAlpha is not null), ("merge", LoraMerge is not null),
            ("checkpoint-every", CheckpointEvery is not null), ("val-split", ValidationFraction is not null), ("threads", Threads is not null),
        }.Where(o => o.Set).Select(o => o.Name),
    ];
}
