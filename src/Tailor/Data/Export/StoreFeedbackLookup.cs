using Tailor.Store;

namespace Tailor.Data.Export;

/// <summary>
/// Feedback recorded in the store (the gateway's <c>POST /v1/feedback</c>), as the export reads it: per interaction, the
/// latest explicit 1-5 score (else the latest thumbs: up counts as 5, down as 1) and the latest correction.
/// </summary>
/// <remarks>Thread-safe when the store is.</remarks>
public sealed class StoreFeedbackLookup(IFeedbackStore store) : IFeedbackLookup
{
    private readonly IFeedbackStore _store = store ?? throw new ArgumentNullException(nameof(store));

    public async ValueTask<InteractionFeedback?> GetAsync(string interactionId, CancellationToken cancellationToken = default)
    {
        var all = new List<Feedback>();
        await foreach (var feedback in _store.QueryFeedbackAsync(new FeedbackQuery { InteractionId = interactionId }, cancellationToken).ConfigureAwait(false))
        {
            all.Add(feedback);
        }
        if (all.Count == 0)
        {
            return null;
        }
        // Later feedback revises earlier feedback.
        var newestFirst = all.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id, StringComparer.Ordinal).ToList();
        double? score = newestFirst.FirstOrDefault(f => f.Score is not null)?.Score
            ?? newestFirst.FirstOrDefault(f => f.Thumbs is not null)?.Thumbs switch { 1 => 5, -1 => 1, _ => null };
        string? correction = newestFirst.FirstOrDefault(f => !string.IsNullOrEmpty(f.Correction))?.Correction;
        return new InteractionFeedback(interactionId, score, correction);
    }
}
