namespace Tailor.Evals.Comparison;

/// <summary>Head-to-head outcomes from pairwise judging (each judged in both orders): candidate wins, ties and losses.</summary>
public sealed record PairwiseTally(int Wins, int Ties, int Losses)
{
    public int Total => Wins + Ties + Losses;

    /// <summary>Wins plus half the ties, over all comparisons; NaN without comparisons.</summary>
    public double WinRate => Total == 0 ? double.NaN : (Wins + 0.5 * Ties) / Total;
}
