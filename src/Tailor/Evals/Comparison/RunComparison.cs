using Tailor.Evals.Statistics;

namespace Tailor.Evals.Comparison;

/// <summary>
/// A candidate run against a baseline run of the same suite: for each metric the two means with bootstrap
/// intervals, the paired difference with its interval, the same per tag, and the regressions (metrics or
/// tags where the candidate is surely worse). Pairwise judging, when done, adds win/tie/loss.
/// </summary>
/// <remarks>Immutable; the numbers are exactly repeatable for a given seed.</remarks>
public sealed record RunComparison
{
    public required RunSummary Baseline { get; init; }
    public required RunSummary Candidate { get; init; }
    public required double Confidence { get; init; }

    /// <summary>Every metric over all cases.</summary>
    public required IReadOnlyList<MetricComparison> Metrics { get; init; }

    /// <summary>Every metric on each tag's cases.</summary>
    public required IReadOnlyList<MetricComparison> Slices { get; init; }

    /// <summary>Pairwise judging results; null when not judged.</summary>
    public PairwiseTally? Pairwise { get; init; }

    /// <summary>Overall metrics and slices where the candidate is surely worse.</summary>
    public IEnumerable<MetricComparison> Regressions =>
        Metrics.Concat(Slices).Where(m => m.Verdict == ComparisonVerdict.Regressed);

    /// <summary>Compares <paramref name="candidate"/> with <paramref name="baseline"/> at <paramref name="confidence"/>.</summary>
    public static RunComparison Compute(RunSummary baseline, RunSummary candidate, double confidence = 0.95, int seed = 0, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        string[] metrics = [.. baseline.Metrics.Intersect(candidate.Metrics, StringComparer.Ordinal)];
        string[] tags = [.. baseline.Tags.Intersect(candidate.Tags, StringComparer.Ordinal)];
        var overall = metrics.Select(m => Compare(baseline, candidate, m, null, confidence, seed, resamples)).ToList();
        var slices = tags.SelectMany(t => metrics.Select(m => Compare(baseline, candidate, m, t, confidence, seed, resamples))).ToList();
        return new RunComparison { Baseline = baseline, Candidate = candidate, Confidence = confidence, Metrics = overall, Slices = slices };
    }

    public static MetricComparison Compare(RunSummary baseline, RunSummary candidate, string metric, string? slice, double confidence, int seed, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        // A fixed seed per metric and slice: each line of the report is repeatable on its own.
        Random RandomFor(string what) => new(HashCode.Combine(seed, StableHash(metric), StableHash(slice ?? ""), StableHash(what)));
        var b = baseline.Values(metric, slice);
        var c = candidate.Values(metric, slice);
        var diff = PairedDifference.Interval(b, c, confidence, RandomFor("diff"), resamples);
        bool lower = MetricDirection.LowerIsBetter(metric);
        ComparisonVerdict verdict = diff.Count == 0 ? ComparisonVerdict.NoData
            : diff.IsBelowZero ? (lower ? ComparisonVerdict.Improved : ComparisonVerdict.Regressed)
            : diff.IsAboveZero ? (lower ? ComparisonVerdict.Regressed : ComparisonVerdict.Improved)
            : ComparisonVerdict.NoChange;
        return new MetricComparison(metric, slice,
            baseline.Mean(metric, slice, confidence, RandomFor("baseline"), resamples),
            candidate.Mean(metric, slice, confidence, RandomFor("candidate"), resamples),
            diff, lower, verdict);
    }

    /// <summary>A string hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
    internal static int StableHash(string text)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char ch in text)
            {
                hash = (hash ^ ch) * 16777619;
            }

            return hash;
        }
    }
}
