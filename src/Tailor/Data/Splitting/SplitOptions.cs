namespace Tailor.Data.Splitting;

/// <summary>How <see cref="DatasetSplitter"/> divides a file: shares per split (they are normalised), seed, stratification.</summary>
public sealed record SplitOptions
{
    public double Train { get; init; } = 0.8;
    public double Validation { get; init; } = 0.1;
    public double Test { get; init; } = 0.1;
    public int Seed { get; init; } = 1;

    /// <summary>Split each tag group (the example's first tag; untagged examples form one group) in the same proportions.</summary>
    public bool StratifyByTag { get; init; } = true;
}
