namespace Tailor.Data.Stats;

/// <summary>Summary of a list of numbers: count, min, percentiles, max, mean, and a histogram for charts.</summary>
public sealed record Distribution(long Count, double Min, double P50, double P90, double P99, double Max, double Mean)
{
    /// <summary>Bucket upper bounds and counts, for charts.</summary>
    public IReadOnlyList<(double UpTo, long Count)> Histogram { get; init; } = [];

    public static Distribution Of(List<int> values, int buckets = 20)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new Distribution(0, 0, 0, 0, 0, 0, 0);
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
        double max = sorted[^1], min = sorted[0];
        var histogram = new List<(double, long)>();
        double width = Math.Max(1, Math.Ceiling((max - min + 1) / buckets));
        int index = 0;
        for (double upTo = min + width - 1; index < sorted.Length; upTo += width)
        {
            long count = 0;
            while (index < sorted.Length && sorted[index] <= upTo)
            {
                count++;
                index++;
            }
            histogram.Add((upTo, count));
        }
        return new Distribution(sorted.Length, min, Percentile(0.5), Percentile(0.9), Percentile(0.99), max, Math.Round(sorted.Average(v => (double)v), 2))
        {
            Histogram = histogram,
        };
    }
}
