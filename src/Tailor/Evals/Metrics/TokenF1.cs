namespace Tailor.Evals.Metrics;

/// <summary>
/// SQuAD's token-overlap F1: the bag-of-words overlap between a prediction and a ground truth after
/// lowercasing and dropping punctuation and articles. Stateless and thread-safe.
/// </summary>
public static class TokenF1
{
    public static OverlapScore Score(string groundTruth, string prediction) =>
        Score(TextTokens.SquadWords(groundTruth), TextTokens.SquadWords(prediction));

    public static OverlapScore Score(IReadOnlyList<string> groundTruth, IReadOnlyList<string> prediction)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (groundTruth.Count == 0 || prediction.Count == 0)
        {
            // SQuAD: two empty answers agree; one empty answer does not.
            double same = groundTruth.Count == prediction.Count ? 1 : 0;
            return new OverlapScore(same, same, same);
        }

        var truth = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string t in groundTruth)
        {
            truth[t] = truth.GetValueOrDefault(t) + 1;
        }

        int common = 0;
        foreach (string p in prediction)
        {
            if (truth.TryGetValue(p, out int left) && left > 0)
            {
                truth[p] = left - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return new OverlapScore(0, 0, 0);
        }

        double precision = (double)common / prediction.Count;
        double recall = (double)common / groundTruth.Count;
        return new OverlapScore(precision, recall, 2 * precision * recall / (precision + recall));
    }
}
