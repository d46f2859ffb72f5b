namespace Tailor.Moderation.Local;

/// <summary>Hyperparameters of <see cref="LocalClassifierTrainer"/>; the defaults train the shipped model.</summary>
public sealed record LocalClassifierTrainingOptions
{
    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>AdaGrad's base step.</summary>
    public double LearningRate { get; init; } = 0.4;

    /// <summary>L2 penalty on the weights a step touches.</summary>
    public double L2 { get; init; } = 1e-5;

    /// <summary>Seeds the shuffling: the same data and seed give the same model, bit for bit.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Hash buckets are 2^BucketBits; collisions share a weight.</summary>
    public int BucketBits { get; init; } = 18;

    /// <summary>Share of groups held out to tune each category's threshold before the final fit on everything.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Ceiling of the up-weighting of a rare category's positives (√(negatives/positives)).</summary>
    public double MaxPositiveWeight { get; init; } = 3;

    /// <summary>Lowest threshold the tuning may pick: below it a category flags too much benign text.</summary>
    public double MinThreshold { get; init; } = 0.3;

    /// <summary>Categories to learn; null learns every canonical category.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Recorded in the model file: what trained it.</summary>
    public string? Source { get; init; }
}
