namespace Tailor.Evals.Metrics;

/// <summary>Precision, recall and F-measure of one overlap metric.</summary>
public readonly record struct OverlapScore(double Precision, double Recall, double F1);

/// <summary>
/// ROUGE-L (Lin, 2004): the longest common subsequence of words between a prediction and a
/// reference, as precision (over the prediction), recall (over the reference) and F1. Matches
/// Google's <c>rouge_score</c> with its default tokenizer (lowercase, alphanumeric words, no stemming).
/// </summary>
/// <remarks>Stateless and thread-safe. Time O(n·m), memory O(min(n, m)).</remarks>
public static class RougeL
{
    public static OverlapScore Score(string reference, string prediction) =>
        Score(TextTokens.Words(reference), TextTokens.Words(prediction));

    public static OverlapScore Score(IReadOnlyList<string> reference, IReadOnlyList<string> prediction)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(prediction);
        if (reference.Count == 0 || prediction.Count == 0)
        {
            return new OverlapScore(0, 0, 0);
        }

        int lcs = LongestCommonSubsequence(reference, prediction);
        double precision = (double)lcs / prediction.Count;
        double recall = (double)lcs / reference.Count;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new OverlapScore(precision, recall, f1);
    }

    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // One row of the DP table at a time, over the shorter sequence.
        if (b.Count > a.Count)
        {
            (a, b) = (b, a);
        }

        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (int i = 1; i <= a.Count; i++)
        {
            for (int j = 1; j <= b.Count; j++)
            {
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Count];
    }
}
