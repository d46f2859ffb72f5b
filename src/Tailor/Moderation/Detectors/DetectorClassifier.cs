namespace Tailor.Moderation.Detectors;

/// <summary>
/// The built-in detectors as one classifier (<c>type: detectors</c>): personal data (<see cref="PiiDetector"/>),
/// credentials (<see cref="SecretsDetector"/>) and prompt attacks (<see cref="PromptAttackDetector"/>), in one pass.
/// </summary>
/// <remarks>Stateless and thread-safe; runs synchronously (microseconds), so <see cref="SpanDetector.ClassifyAsync"/> completes at once.</remarks>
public sealed class DetectorClassifier() : SpanDetector("detectors", ModerationCategories.Privacy, ModerationCategories.Secrets, ModerationCategories.PromptAttack)
{
    /// <summary>Score at or above which a prompt attack counts as found by the detectors themselves.</summary>
    public double PromptAttackThreshold { get; init; } = 0.5;

    /// <inheritdoc />
    protected override double FlagAt => PromptAttackThreshold;

    /// <inheritdoc />
    private protected override void Find(string text, DetectorMatches found)
    {
        SecretsDetector.Detect(text, found);
        PiiDetector.Detect(text, found);
        PromptAttackDetector.Detect(text, found);
    }
}
