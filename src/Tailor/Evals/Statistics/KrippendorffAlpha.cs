namespace Tailor.Evals.Statistics;

/// <summary>How <see cref="KrippendorffAlpha"/> measures the distance between two values.</summary>
public enum AlphaLevel
{
    /// <summary>Labels: two values agree or they do not.</summary>
    Nominal,

    /// <summary>Ranks: the distance counts how many values lie between them (a 1-5 scale).</summary>
    Ordinal,

    /// <summary>Numbers: the squared difference.</summary>
    Interval,
}

/// <summary>
/// Krippendorff's alpha: agreement among any number of raters, with missing ratings, on nominal,
/// ordinal or interval data, computed from the coincidence matrix as in Krippendorff (2011),
/// "Computing Krippendorff's Alpha-Reliability". 1 is perfect agreement, 0 chance level.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class KrippendorffAlpha
{
    /// <summary>
    /// Alpha over <paramref name="units"/>: each unit (a case) holds the values its raters gave, missing
    /// ratings left out. Units with fewer than two values carry no information and are skipped.
    /// NaN when no unit has two values or every value is the same.
    /// </summary>
    public static double Compute(IEnumerable<IReadOnlyList<double>> units, AlphaLevel level)
    {
        ArgumentNullException.ThrowIfNull(units);
        var pairable = units.Where(u => u.Count >= 2).ToList();
        double[] values = pairable.SelectMany(u => u).Distinct().Order().ToArray();
        if (values.Length < 2)
        {
            return double.NaN;
        }

        var index = new Dictionary<double, int>();
        for (int i = 0; i < values.Length; i++)
        {
            index[values[i]] = i;
        }

        // Coincidence matrix: each ordered pair of values within a unit adds 1/(m_u - 1).
        int v = values.Length;
        var o = new double[v, v];
        foreach (IReadOnlyList<double> unit in pairable)
        {
            double weight = 1.0 / (unit.Count - 1);
            for (int i = 0; i < unit.Count; i++)
            {
                for (int j = 0; j < unit.Count; j++)
                {
                    if (i != j)
                    {
                        o[index[unit[i]], index[unit[j]]] += weight;
                    }
                }
            }
        }

        var marginal = new double[v];
        for (int c = 0; c < v; c++)
        {
            for (int k = 0; k < v; k++)
            {
                marginal[c] += o[c, k];
            }
        }

        double n = marginal.Sum();
        double observed = 0;
        double expected = 0;
        for (int c = 0; c < v; c++)
        {
            for (int k = 0; k < v; k++)
            {
                double delta = Distance(level, values, marginal, c, k);
                observed += o[c, k] * delta;
                expected += marginal[c] * marginal[k] * delta;
            }
        }

        observed /= n;
        expected /= n * (n - 1);
        return expected == 0 ? double.NaN : 1 - observed / expected;
    }

    private static double Distance(AlphaLevel level, double[] values, double[] marginal, int c, int k)
    {
        if (c == k)
        {
            return 0;
        }

        switch (level)
        {
            case AlphaLevel.Nominal:
                return 1;
            case AlphaLevel.Interval:
                double d = values[c] - values[k];
                return d * d;
            default:
                int low = Math.Min(c, k);
                int high = Math.Max(c, k);
                double between = 0;
                for (int g = low; g <= high; g++)
                {
                    between += marginal[g];
                }

                between -= (marginal[c] + marginal[k]) / 2;
                return between * between;
        }
    }
}
