using Tailor.Evals.Statistics;

namespace Tailor.Evals.Comparison;

/// <summary>
/// Candidate minus baseline on the cases both runs answered: paired by case id, so each case is its own
/// control and the interval is much tighter than comparing two independent means.
/// </summary>
public static class PairedDifference
{
    /// <summary>The per-case differences (candidate - baseline), in case-id order.</summary>
    public static double[] Differences(IReadOnlyDictionary<string, double> baseline, IReadOnlyDictionary<string, double> candidate)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        return [.. candidate.Keys.Where(baseline.ContainsKey).Order(StringComparer.Ordinal).Select(k => candidate[k] - baseline[k])];
    }

    /// <summary>Two-sided bootstrap interval of the mean paired difference.</summary>
    public static Interval Interval(IReadOnlyDictionary<string, double> baseline, IReadOnlyDictionary<string, double> candidate, double confidence, Random random, int resamples = Bootstrap.DefaultResamples) =>
        Bootstrap.Mean(Differences(baseline, candidate), confidence, random, resamples);
}
