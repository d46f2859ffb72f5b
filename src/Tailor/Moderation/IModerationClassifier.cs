namespace Tailor.Moderation;

/// <summary>
/// Anything that judges text against the canonical categories: rule-based detectors (PII, secrets, prompt
/// attacks), the local classifier, an LLM guard, a vendor's moderation API. Policies turn its scores into actions.
/// </summary>
/// <remarks>Implementations are thread-safe and never throw for odd input text: an empty or strange text is a result, not an error.</remarks>
public interface IModerationClassifier
{
    /// <summary>A short name for reports and records (<c>pii</c>, <c>local</c>, <c>mistral</c>, ...).</summary>
    string Name { get; }

    ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default);
}
