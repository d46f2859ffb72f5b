namespace Tailor.Data.Export;

/// <summary>What a person said about one interaction: a score and, optionally, the answer it should have given.</summary>
/// <param name="InteractionId">The interaction it is about.</param>
/// <param name="Score">A rating on the caller's scale (e.g. 1-5 or -1/+1); null when only a correction was given.</param>
/// <param name="Correction">The answer that should have been given; replaces the model's answer on export.</param>
public sealed record InteractionFeedback(string InteractionId, double? Score, string? Correction);

/// <summary>
/// Where export finds feedback. The interaction store does not record feedback yet (the gateway adds
/// it); until then <see cref="FeedbackFile"/> reads it from a JSONL file, e.g. exported from an annotation tool.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IFeedbackLookup
{
    ValueTask<InteractionFeedback?> GetAsync(string interactionId, CancellationToken cancellationToken = default);
}
