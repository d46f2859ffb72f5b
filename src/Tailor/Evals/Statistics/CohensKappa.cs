namespace Tailor.Evals.Statistics;

/// <summary>
/// Cohen's kappa (1960): agreement between two raters on nominal labels, corrected for the agreement
/// their label frequencies would give by chance. 1 is perfect agreement, 0 chance level.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class CohensKappa
{
    /// <summary>Kappa over the items both raters labelled; NaN when there are none or chance agreement is total.</summary>
    public static double Compute(IReadOnlyList<(string A, string B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int n = pairs.Count;
        if (n == 0)
        {
            return double.NaN;
        }

        var countA = new Dictionary<string, int>(StringComparer.Ordinal);
        var countB = new Dictionary<string, int>(StringComparer.Ordinal);
        int agree = 0;
        foreach (var (a, b) in pairs)
        {
            countA[a] = countA.GetValueOrDefault(a) + 1;
            countB[b] = countB.GetValueOrDefault(b) + 1;
            if (string.Equals(a, b, StringComparison.Ordinal))
            {
                agree++;
            }
        }

        double observed = (double)agree / n;
        double expected = countA.Sum(kv => (double)kv.Value * countB.GetValueOrDefault(kv.Key)) / ((double)n * n);
        return expected >= 1 ? double.NaN : (observed - expected) / (1 - expected);
    }
}
