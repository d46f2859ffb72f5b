namespace Tailor.Moderation.Local;

/// <summary>
/// The local classifier as a moderation classifier (<c>type: local</c>): scores every category the model knows and
/// flags those at or above the model's tuned thresholds. Runs in-process in microseconds.
/// </summary>
/// <remarks>Thread-safe; <see cref="ClassifyAsync"/> completes synchronously.</remarks>
public sealed class LocalModerationClassifier : IModerationClassifier
{
    // Nearly every score of an ordinary text is under 1%: those results share records made once per category
    // (immutable, so sharing is safe) instead of allocating twenty per text.
    private const int SharedScores = 100;
    private readonly CategoryScore[][] _shared;

    public LocalModerationClassifier(LocalClassifierModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _shared = [.. model.Categories.Select(c => Enumerable.Range(0, SharedScores).Select(i => new CategoryScore(c, i / 10000.0)).ToArray())];
    }

    /// <summary>A classifier over the model shipped with Tailor.</summary>
    public static LocalModerationClassifier CreateDefault() => new(LocalClassifierModel.Default);

    public LocalClassifierModel Model { get; }

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Classify(request.Text));
    }

    public ModerationResult Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int n = Model.Categories.Count;
        Span<float> probabilities = stackalloc float[n];
        Model.Predict(text, probabilities);
        var scores = new CategoryScore[n];
        List<string>? flagged = null;
        for (int k = 0; k < n; k++)
        {
            double score = Math.Round(probabilities[k], 4);
            double ticks = Math.Round(score * 10000);
            scores[k] = ticks < SharedScores && _shared[k][(int)ticks].Score == score
                ? _shared[k][(int)ticks]
                : new CategoryScore(Model.Categories[k], score);
            if (probabilities[k] >= Model.Thresholds[k])
            {
                (flagged ??= []).Add(Model.Categories[k]);
            }
        }
        return new ModerationResult { Classifier = Name, Scores = scores, Flagged = (IReadOnlyList<string>?)flagged ?? [] };
    }
}
