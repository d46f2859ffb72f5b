namespace Tailor.Evals.Statistics;

/// <summary>A point estimate with a confidence interval; <see cref="Lower"/> = <see cref="Upper"/> = estimate when there is one value, NaN when there is none.</summary>
/// <param name="Estimate">The statistic on the data itself (a mean, a mean difference).</param>
/// <param name="Lower">Lower end of the interval.</param>
/// <param name="Upper">Upper end of the interval.</param>
/// <param name="Confidence">The interval's confidence level, e.g. 0.95.</param>
/// <param name="Count">How many values (cases) the estimate rests on.</param>
public sealed record Interval(double Estimate, double Lower, double Upper, double Confidence, int Count)
{
    public static Interval Empty(double confidence) => new(double.NaN, double.NaN, double.NaN, confidence, 0);

    /// <summary>Whether the whole interval lies above zero (a difference that is surely positive).</summary>
    public bool IsAboveZero => Lower > 0;

    /// <summary>Whether the whole interval lies below zero (a difference that is surely negative).</summary>
    public bool IsBelowZero => Upper < 0;
}
