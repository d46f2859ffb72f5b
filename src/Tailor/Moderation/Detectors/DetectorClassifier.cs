namespace Tailor.Moderation.Detectors;

/// <summary>
/// The built-in detectors as one classifier (<c>type: detectors</c>): personal data (<see cref="PiiDetector"/>),
/// credentials (<see cref="SecretsDetector"/>) and prompt attacks (<see cref="PromptAttackDetector"/>), in one pass.
/// </summary>
/// <remarks>Stateless and thread-safe; runs synchronously (microseconds), so <see cref="ClassifyAsync"/> completes at once.</remarks>
public sealed class DetectorClassifier : IModerationClassifier
{
    private static readonly string[] Categories = [ModerationCategories.Privacy, ModerationCategories.Secrets, ModerationCategories.PromptAttack];

    /// <inheritdoc />
    public string Name => "detectors";

    /// <summary>Score at or above which a prompt attack counts as found by the detectors themselves.</summary>
    public double PromptAttackThreshold { get; init; } = 0.5;

    /// <inheritdoc />
    public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Classify(request.Text));
    }

    public ModerationResult Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new DetectorMatches(Name);
        SecretsDetector.Detect(text, found);
        PiiDetector.Detect(text, found);
        PromptAttackDetector.Detect(text, found);
        var result = found.ToResult(Categories, PromptAttackThreshold);
        return result;
    }
}
