namespace Tailor.Evals.Statistics;

/// <summary>
/// Correlations between two raters' numeric scores on the same items (a judge against humans):
/// Pearson, Spearman (Pearson on average ranks) and Kendall's tau-b (ties handled), the measures Kiln
/// reports for judge calibration. Each returns NaN when undefined (fewer than two items, no variance).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class Correlation
{
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        int n = x.Count;
        if (n < 2)
        {
            return double.NaN;
        }

        double mx = x.Average();
        double my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        return Pearson(Ranks(x), Ranks(y));
    }

    public static double KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        int n = x.Count;
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                int sx = Math.Sign(x[i] - x[j]);
                int sy = Math.Sign(y[i] - y[j]);
                if (sx == 0 && sy == 0)
                {
                    continue;
                }

                if (sx == 0)
                {
                    tiesX++;
                }
                else if (sy == 0)
                {
                    tiesY++;
                }
                else if (sx == sy)
                {
                    concordant++;
                }
                else
                {
                    discordant++;
                }
            }
        }

        double denominator = Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    public static double MeanAbsoluteError(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        return x.Count == 0 ? double.NaN : x.Zip(y, (a, b) => Math.Abs(a - b)).Average();
    }

    /// <summary>Average ranks from 1; tied values share the mean of their ranks.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int[] order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    private static void Check(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException("both score lists must have one score per item", nameof(y));
        }
    }
}
