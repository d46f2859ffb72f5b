using Tailor.Evals.Statistics;

namespace Tailor.Evals.Comparison;

/// <summary>Verdict on one metric (or one metric on one tag's cases) between a baseline run and a candidate run.</summary>
public enum ComparisonVerdict
{
    /// <summary>The interval of the paired difference spans zero: no detectable change.</summary>
    NoChange,

    /// <summary>Surely better (the whole interval is on the good side of zero).</summary>
    Improved,

    /// <summary>Surely worse: a regression.</summary>
    Regressed,

    /// <summary>No case in common: nothing to compare.</summary>
    NoData,
}

/// <summary>One metric compared between two runs, overall or on a tag's cases.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Slice">The tag whose cases this covers; null for all cases.</param>
/// <param name="Baseline">Baseline mean with its interval.</param>
/// <param name="Candidate">Candidate mean with its interval.</param>
/// <param name="Difference">Mean paired difference (candidate - baseline) with its interval, over common cases.</param>
/// <param name="LowerIsBetter">Whether a negative difference is an improvement (latency, cost).</param>
/// <param name="Verdict">What the interval of the difference says.</param>
public sealed record MetricComparison(string Metric, string? Slice, Interval Baseline, Interval Candidate, Interval Difference, bool LowerIsBetter, ComparisonVerdict Verdict);
