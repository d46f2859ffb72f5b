namespace Tailor.Evals.Statistics;

/// <summary>
/// Percentile bootstrap (Efron, 1979) for the mean of independent values: resample the values with
/// replacement, take each resample's mean, and read the interval off the percentiles of those means.
/// Eval results are resampled by <em>case</em> (repeats of one case are averaged first), because
/// repeats of one case are not independent.
/// </summary>
/// <remarks>Stateless and thread-safe; the <see cref="Random"/> passed in is not, and makes the result exactly repeatable.</remarks>
public static class Bootstrap
{
    /// <summary>The default number of resamples: enough for stable 2.5% / 97.5% percentiles.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>The sorted means of <paramref name="resamples"/> resamples of <paramref name="values"/>.</summary>
    public static double[] MeanDistribution(IReadOnlyList<double> values, int resamples, Random random)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        int n = values.Count;
        var means = new double[n == 0 ? 0 : resamples];
        for (int b = 0; b < means.Length; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += values[random.Next(n)];
            }

            means[b] = sum / n;
        }

        Array.Sort(means);
        return means;
    }

    /// <summary>The mean of <paramref name="values"/> with a two-sided percentile interval at <paramref name="confidence"/>.</summary>
    public static Interval Mean(IReadOnlyList<double> values, double confidence, Random random, int resamples = DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckConfidence(confidence);
        if (values.Count == 0)
        {
            return Interval.Empty(confidence);
        }

        double mean = values.Average();
        if (values.Count == 1)
        {
            return new Interval(mean, mean, mean, confidence, 1);
        }

        double[] means = MeanDistribution(values, resamples, random);
        double tail = (1 - confidence) / 2;
        return new Interval(mean, Percentile(means, tail), Percentile(means, 1 - tail), confidence, values.Count);
    }

    /// <summary>
    /// The mean with a one-sided lower bound: the mean is at least <see cref="Interval.Lower"/> with
    /// probability <paramref name="confidence"/> (<see cref="Interval.Upper"/> is +infinity). What a
    /// "not worse by more than a margin" gate reads.
    /// </summary>
    public static Interval LowerBound(IReadOnlyList<double> values, double confidence, Random random, int resamples = DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckConfidence(confidence);
        if (values.Count == 0)
        {
            return Interval.Empty(confidence);
        }

        double mean = values.Average();
        if (values.Count == 1)
        {
            return new Interval(mean, mean, double.PositiveInfinity, confidence, 1);
        }

        double[] means = MeanDistribution(values, resamples, random);
        return new Interval(mean, Percentile(means, 1 - confidence), double.PositiveInfinity, confidence, values.Count);
    }

    /// <summary>Linear interpolation between the closest ranks of a sorted array (numpy's default).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double rank = Math.Clamp(p, 0, 1) * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }

    private static void CheckConfidence(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be between 0 and 1, exclusive");
        }
    }
}
