namespace Tailor.Store;

/// <summary>Filter for reading interactions back; every criterion is optional.</summary>
public sealed record InteractionQuery
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? Source { get; init; }
    public string? Route { get; init; }
    public string? SessionId { get; init; }
    public InteractionStatus? Status { get; init; }

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>The interaction log: written by the recording middleware, read by every later stage.</summary>
/// <remarks>Thread-safe. Implementations: SQLite (embedded default); PostgreSQL for a shared gateway.</remarks>
public interface IInteractionStore : IInteractionSink, IAsyncDisposable
{
    Task<Interaction?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Interactions matching <paramref name="query"/>, newest first.</summary>
    IAsyncEnumerable<Interaction> QueryAsync(InteractionQuery query, CancellationToken cancellationToken = default);

    Task<long> CountAsync(InteractionQuery? query = null, CancellationToken cancellationToken = default);
}
