namespace Tailor.Moderation.Detectors;

/// <summary>
/// A rule-based classifier: one synchronous pass over the text that records what it finds, with spans for redaction.
/// Subclasses say what they look for (<see cref="Find"/>); the scores and the result are built the same way for all.
/// </summary>
/// <remarks>Stateless and thread-safe; <see cref="ClassifyAsync"/> completes at once (microseconds).</remarks>
public abstract class SpanDetector : IModerationClassifier
{
    private readonly string[] _categories;

    // What every text without a finding gets: immutable, so one instance serves them all.
    private readonly ModerationResult _nothingFound;

    private protected SpanDetector(string name, params string[] categories)
    {
        Name = name;
        _categories = categories;
        _nothingFound = new ModerationResult
        {
            Classifier = name,
            Scores = [.. categories.Select(c => new CategoryScore(c, 0))],
            Flagged = [],
        };
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Score at or above which the detector flags a category itself (1 for a span found; attacks score by weight).</summary>
    protected virtual double FlagAt => 0.5;

    /// <inheritdoc />
    public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Classify(request.Text));
    }

    /// <summary>The findings in <paramref name="text"/>.</summary>
    public ModerationResult Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new DetectorMatches(Name);
        Find(text, found);
        // A flag threshold of 0 flags even a score of 0: then the result is built as for a finding.
        return found.IsEmpty && FlagAt > 0 ? _nothingFound : found.ToResult(_categories, FlagAt);
    }

    /// <summary>Records in <paramref name="found"/> what this detector finds in <paramref name="text"/>.</summary>
    private protected abstract void Find(string text, DetectorMatches found);
}
