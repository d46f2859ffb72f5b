namespace Tailor.Store;

/// <summary>Feedback on interactions, as the gateway's <c>POST /v1/feedback</c> collects it and dataset export reads it.</summary>
/// <remarks>Thread-safe.</remarks>
public interface IFeedbackStore
{
    /// <summary>Stores <paramref name="feedback"/>; completes once it is durable.</summary>
    /// <exception cref="KeyNotFoundException">No interaction has <see cref="Feedback.InteractionId"/>.</exception>
    Task AddFeedbackAsync(Feedback feedback, CancellationToken cancellationToken = default);

    /// <summary>Feedback matching <paramref name="query"/>, newest first.</summary>
    IAsyncEnumerable<Feedback> QueryFeedbackAsync(FeedbackQuery query, CancellationToken cancellationToken = default);
}
