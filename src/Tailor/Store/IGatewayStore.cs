namespace Tailor.Store;

/// <summary>Everything the gateway keeps: interactions, feedback and API keys, in one database.</summary>
/// <remarks>
/// Thread-safe. Implementations: <see cref="Sqlite.SqliteInteractionStore"/> (one file, one gateway) and
/// <see cref="Postgres.PostgresGatewayStore"/> (shared by several gateway instances). Both pass the same test suite.
/// A database that cannot be reached surfaces as <see cref="StoreUnavailableException"/>, never as "not found".
/// </remarks>
public interface IGatewayStore : IInteractionStore, IFeedbackStore, IApiKeyStore
{
    /// <summary>Round-trips to the database; throws <see cref="StoreUnavailableException"/> when it cannot.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}
