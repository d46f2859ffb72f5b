namespace Tailor.Moderation;

/// <summary>How strongly a text belongs to one canonical category (<see cref="ModerationCategories"/>).</summary>
/// <param name="Category">A canonical category id.</param>
/// <param name="Score">0..1; for rule-based detectors 1 means "found".</param>
public sealed record CategoryScore(string Category, double Score);

/// <summary>A stretch of the text a detector found, so it can be redacted or shown.</summary>
/// <param name="Start">Offset in UTF-16 code units.</param>
/// <param name="Length">Length in UTF-16 code units.</param>
/// <param name="Category">The canonical category it belongs to.</param>
/// <param name="Label">What was found, more precisely ("email", "payment_card", "jwt", ...).</param>
public sealed record TextSpan(int Start, int Length, string Category, string Label);

/// <summary>What one classifier said about one text.</summary>
public sealed record ModerationResult
{
    /// <summary>The classifier that produced it.</summary>
    public required string Classifier { get; init; }

    /// <summary>Scores for the categories the classifier judged; a category it did not mention was not judged.</summary>
    public IReadOnlyList<CategoryScore> Scores { get; init; } = [];

    /// <summary>Where in the text the findings are, for detectors that can tell.</summary>
    public IReadOnlyList<TextSpan> Spans { get; init; } = [];

    /// <summary>
    /// The categories the classifier itself judged present, with its own calibrated thresholds (a vendor's booleans,
    /// the local model's tuned thresholds, a detector's match). Null when it gives only scores; then a threshold
    /// from the spec, or 0.5, decides.
    /// </summary>
    public IReadOnlyList<string>? Flagged { get; init; }

    /// <summary>Why the classifier could not judge (a vendor error, an answer it could not read); null when it did.</summary>
    public string? Error { get; init; }

    /// <summary>The score of <paramref name="category"/>, 0 when not judged.</summary>
    public double ScoreOf(string category)
    {
        // Called for every category of every result of every verdict: a plain loop, no closure per call.
        var scores = Scores;
        for (int i = 0; i < scores.Count; i++)
        {
            if (scores[i].Category == category)
            {
                return scores[i].Score;
            }
        }

        return 0;
    }
}
