namespace Tailor.Moderation.Local;

/// <summary>Where a local classifier model came from, stored in its file so a model can always be traced to its data.</summary>
public sealed record LocalClassifierInfo
{
    /// <summary>SHA-256 (hex) of the training examples as read (text, labels), in order.</summary>
    public string? DataSha256 { get; init; }

    public int Examples { get; init; }
    public int Epochs { get; init; }
    public int Seed { get; init; }
    public double LearningRate { get; init; }
    public double L2 { get; init; }

    /// <summary>Features seen in training (the model's rows).</summary>
    public int Features { get; init; }

    /// <summary>Precision the thresholds were calibrated for, on out-of-fold scores.</summary>
    public double TargetPrecision { get; init; }

    /// <summary>Free text: the command or script that trained it.</summary>
    public string? Source { get; init; }
}
