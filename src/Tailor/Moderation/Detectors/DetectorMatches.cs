namespace Tailor.Moderation.Detectors;

/// <summary>Collects what a detector found in one text and turns it into a <see cref="ModerationResult"/>.</summary>
/// <remarks>Not thread-safe: one instance per classification.</remarks>
internal sealed class DetectorMatches(string classifier)
{
    // Most texts raise nothing: the lists are made when the first finding comes. A detector raises at most a few
    // categories, so a short list beats a dictionary.
    private List<TextSpan>? _spans;
    private List<(string Category, double Score)>? _scores;

    public int Count => _spans?.Count ?? 0;

    /// <summary>Nothing was raised and no span was found.</summary>
    public bool IsEmpty => _scores is null && _spans is null;

    public void Add(int start, int length, string category, string label, double score = 1.0)
    {
        (_spans ??= []).Add(new TextSpan(start, length, category, label));
        Raise(category, score);
    }

    public void Raise(string category, double score)
    {
        var scores = _scores ??= [];
        int at = Find(category);
        if (at < 0)
        {
            scores.Add((category, Math.Max(score, 0)));
        }
        else if (score > scores[at].Score)
        {
            scores[at] = (category, score);
        }
    }

    public bool Overlaps(int start, int length) =>
        _spans is not null && _spans.Exists(s => start < s.Start + s.Length && s.Start < start + length);

    public ModerationResult ToResult(IReadOnlyList<string> categories, double flagAt = 0.5)
    {
        var scores = new CategoryScore[categories.Count];
        List<string>? flagged = null;
        for (int i = 0; i < scores.Length; i++)
        {
            int at = Find(categories[i]);
            scores[i] = new CategoryScore(categories[i], at < 0 ? 0 : _scores![at].Score);
            if (scores[i].Score >= flagAt)
            {
                (flagged ??= []).Add(categories[i]);
            }
        }

        return new ModerationResult
        {
            Classifier = classifier,
            Scores = scores,
            Spans = _spans?.Count switch { null or 0 => [], 1 => [_spans[0]], _ => [.. _spans.OrderBy(s => s.Start)] },
            Flagged = (IReadOnlyList<string>?)flagged ?? [],
        };
    }

    private int Find(string category)
    {
        if (_scores is null)
        {
            return -1;
        }
        for (int i = 0; i < _scores.Count; i++)
        {
            if (string.Equals(_scores[i].Category, category, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
