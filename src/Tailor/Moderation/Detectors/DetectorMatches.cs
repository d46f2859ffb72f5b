namespace Tailor.Moderation.Detectors;

/// <summary>Collects what a detector found in one text and turns it into a <see cref="ModerationResult"/>.</summary>
/// <remarks>Not thread-safe: one instance per classification.</remarks>
internal sealed class DetectorMatches(string classifier)
{
    private readonly List<TextSpan> _spans = [];
    private readonly Dictionary<string, double> _scores = new(StringComparer.Ordinal);

    public int Count => _spans.Count;

    public void Add(int start, int length, string category, string label, double score = 1.0)
    {
        _spans.Add(new TextSpan(start, length, category, label));
        Raise(category, score);
    }

    public void Raise(string category, double score) =>
        _scores[category] = Math.Max(score, _scores.GetValueOrDefault(category));

    public bool Overlaps(int start, int length) =>
        _spans.Exists(s => start < s.Start + s.Length && s.Start < start + length);

    public ModerationResult ToResult(IReadOnlyList<string> categories, double flagAt = 0.5)
    {
        var scores = categories.Select(c => new CategoryScore(c, _scores.GetValueOrDefault(c))).ToArray();
        return new ModerationResult
        {
            Classifier = classifier,
            Scores = scores,
            Spans = [.. _spans.OrderBy(s => s.Start)],
            Flagged = [.. scores.Where(s => s.Score >= flagAt).Select(s => s.Category)],
        };
    }
}
