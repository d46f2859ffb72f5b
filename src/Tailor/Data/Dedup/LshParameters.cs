namespace Tailor.Data.Dedup;

/// <summary>
/// MinHash + LSH settings. A pair with Jaccard similarity J becomes a candidate with probability
/// <c>1 - (1 - J^r)^b</c> (b = <see cref="Bands"/>, r = <see cref="Permutations"/> / b) and is then
/// kept as a duplicate when its estimated similarity reaches <see cref="Threshold"/>. The defaults
/// (128 permutations, 16 bands of 8, threshold 0.75, 5-word shingles) find 99% of pairs at J = 0.85
/// and practically none at J = 0.5; docs/data.md has the full table.
/// </summary>
public sealed record LshParameters
{
    public int Permutations { get; init; } = 128;
    public int Bands { get; init; } = 16;
    public double Threshold { get; init; } = 0.75;
    public int ShingleSize { get; init; } = 5;
    public int Seed { get; init; } = 1;

    /// <summary>Rows per band.</summary>
    public int Rows => Permutations / Bands;

    /// <summary>Probability that a pair at similarity <paramref name="jaccard"/> shares at least one band (before verification).</summary>
    public double CandidateProbability(double jaccard) => 1 - Math.Pow(1 - Math.Pow(jaccard, Rows), Bands);

    /// <summary>Throws when the settings cannot work together.</summary>
    public void Validate()
    {
        if (Permutations < 8 || Permutations % 8 != 0)
        {
            throw new ArgumentException($"permutations must be a positive multiple of 8 (got {Permutations})");
        }
        if (Bands < 1 || Permutations % Bands != 0)
        {
            throw new ArgumentException($"bands must divide the number of permutations ({Permutations}); got {Bands}");
        }
        if (Threshold is <= 0 or > 1 || double.IsNaN(Threshold))
        {
            throw new ArgumentException($"the threshold is a similarity in (0, 1]; got {Threshold}");
        }
        if (ShingleSize < 1)
        {
            throw new ArgumentException($"the shingle size is at least 1 word; got {ShingleSize}");
        }
    }
}
