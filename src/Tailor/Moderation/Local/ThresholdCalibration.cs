namespace Tailor.Moderation.Local;

/// <summary>
/// Picks a category's threshold from scores on held-out examples, precision first: the lowest threshold at which the
/// held-out precision reaches the target and no more than the allowed share of benign held-out texts is flagged. When
/// no threshold reaches the target, the one with the best F0.5 (precision weighted twice) within the benign limit. Lower thresholds would find more, but a moderation layer that
/// refuses benign users is worse than one that misses a little.
/// </summary>
/// <remarks>Stateless.</remarks>
internal static class ThresholdCalibration
{
    /// <summary>Candidate thresholds: 0.05 to 0.99 by 0.01.</summary>
    private const int Lowest = 5, Highest = 99;

    /// <param name="scores">Held-out scores of the category, with whether the text has the category and whether it is benign.</param>
    /// <param name="targetPrecision">Precision to reach (0..1).</param>
    /// <param name="maxBenignRate">Share of benign texts the category may flag.</param>
    /// <param name="floor">Lowest threshold allowed.</param>
    /// <returns>The threshold, and what it gives on the held-out scores.</returns>
    public static Calibrated Choose(IReadOnlyList<(float Score, bool Positive, bool Benign)> scores, double targetPrecision, double maxBenignRate, double floor)
    {
        int positives = scores.Count(s => s.Positive);
        int benign = scores.Count(s => s.Benign);
        int allowedBenign = (int)Math.Floor(maxBenignRate * benign);
        int lowest = Math.Max(Lowest, (int)Math.Ceiling(floor * 100 - 1e-9));

        int chosen = -1, fallback = Highest;
        double bestF = -1;
        for (int t = lowest; t <= Highest; t++)
        {
            var (tp, fp, benignFlagged) = Count(scores, t / 100.0);
            if (benignFlagged > allowedBenign)
            {
                continue;
            }
            double precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
            if (precision >= targetPrecision && tp > 0)
            {
                chosen = t;
                break;
            }
            // F0.5 = 1.25·tp / (1.25·tp + 0.25·fn + fp)
            double f = tp == 0 ? 0 : 1.25 * tp / (1.25 * tp + 0.25 * (positives - tp) + fp);
            if (f > bestF)
            {
                bestF = f;
                fallback = t;
            }
        }
        bool reached = chosen >= 0;
        int threshold = reached ? chosen : fallback;
        var (finalTp, finalFp, finalBenign) = Count(scores, threshold / 100.0);
        return new Calibrated(threshold / 100.0, reached, finalTp, finalFp, positives, finalBenign, benign);
    }

    private static (int Tp, int Fp, int Benign) Count(IReadOnlyList<(float Score, bool Positive, bool Benign)> scores, double threshold)
    {
        int tp = 0, fp = 0, benign = 0;
        foreach (var (score, positive, isBenign) in scores)
        {
            if (score < threshold)
            {
                continue;
            }
            if (positive)
            {
                tp++;
            }
            else
            {
                fp++;
                benign += isBenign ? 1 : 0;
            }
        }
        return (tp, fp, benign);
    }

    /// <summary>A chosen threshold and its held-out counts.</summary>
    public sealed record Calibrated(double Threshold, bool ReachedTarget, int TruePositives, int FalsePositives, int Positives, int BenignFlagged, int Benign)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
        public double Recall => Positives == 0 ? 0 : (double)TruePositives / Positives;
    }
}
