namespace Tailor.Moderation.Local;

/// <summary>Hyperparameters of <see cref="LocalClassifierTrainer"/>; the defaults train the shipped model.</summary>
public sealed record LocalClassifierTrainingOptions
{
    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>AdaGrad's base step.</summary>
    public double LearningRate { get; init; } = 0.4;

    /// <summary>L2 penalty on the weights a step touches; it keeps one word from carrying a whole category.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Seeds the shuffling: the same data and seed give the same model, bit for bit.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Hash buckets are 2^BucketBits; collisions share a weight.</summary>
    public int BucketBits { get; init; } = 18;

    /// <summary>The features to compute; stored in the model.</summary>
    public LocalFeatures Features { get; init; } = new();

    /// <summary>Words per scoring window; a benign text longer than this is also learnt window by window.</summary>
    public int Window { get; init; } = 16;

    /// <summary>
    /// Folds of groups for calibration: each fold is scored by a fit on the others, and the thresholds are chosen on
    /// those out-of-fold scores (training costs this many fits plus the final one). 1 skips calibration (thresholds 0.5).
    /// </summary>
    public int Folds { get; init; } = 5;

    /// <summary>Ceiling of the up-weighting of a rare category's texts (√(other texts/its texts)).</summary>
    public double MaxPositiveWeight { get; init; } = 3;

    /// <summary>Precision each category's threshold must reach on the held-out groups (precision first: see docs/moderation.md).</summary>
    public double TargetPrecision { get; init; } = 0.9;

    /// <summary>Share of the held-out benign texts one category may flag at its threshold.</summary>
    public double MaxBenignRate { get; init; } = 0.001;

    /// <summary>Weight, in the final fit, of the benign examples an out-of-fold model flagged (hard negatives); 1 turns it off.</summary>
    public double HardNegativeWeight { get; init; } = 3;

    /// <summary>Lowest threshold the calibration may pick: below it a category flags too much benign text.</summary>
    public double MinThreshold { get; init; } = 0.3;

    /// <summary>Categories to learn; null learns every canonical category.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Recorded in the model file: what trained it.</summary>
    public string? Source { get; init; }
}
