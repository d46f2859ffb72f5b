namespace Tailor.Store;

/// <summary>Filter for reading interactions back; every criterion is optional and they combine with AND.</summary>
public sealed record InteractionQuery
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? Source { get; init; }
    public string? Route { get; init; }
    public string? SessionId { get; init; }
    public InteractionStatus? Status { get; init; }

    /// <summary>Only interactions made with this API key id.</summary>
    public string? KeyId { get; init; }

    /// <summary>Only interactions answered by this model id.</summary>
    public string? ModelId { get; init; }

    /// <summary>Only interactions with at least one feedback of this thumbs value (+1 or -1).</summary>
    public int? FeedbackThumbs { get; init; }

    /// <summary>Only interactions with at least one feedback scored this or higher (1-5).</summary>
    public int? MinFeedbackScore { get; init; }

    /// <summary>Only interactions that have (true) or lack (false) any feedback.</summary>
    public bool? HasFeedback { get; init; }

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>The interaction log: written by the recording middleware, read by every later stage.</summary>
/// <remarks>Thread-safe. Implementations: SQLite (embedded default); PostgreSQL for a shared gateway.</remarks>
public interface IInteractionStore : IInteractionSink, IAsyncDisposable
{
    Task<Interaction?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Interactions matching <paramref name="query"/>, newest first (by start time, then id).</summary>
    IAsyncEnumerable<Interaction> QueryAsync(InteractionQuery query, CancellationToken cancellationToken = default);

    Task<long> CountAsync(InteractionQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Persists <paramref name="batch"/> in one transaction: all of it is durable when this completes, or none of it is.
    /// Group commit uses it so many interactions share one disk sync.
    /// </summary>
    async ValueTask RecordBatchAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var interaction in batch)
        {
            await RecordAsync(interaction, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes interactions (and their feedback) that started before <paramref name="cutoff"/>; returns how many.</summary>
    Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
