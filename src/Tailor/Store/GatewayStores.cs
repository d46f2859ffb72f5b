using Tailor.Spec;
using Tailor.Store.Postgres;
using Tailor.Store.Sqlite;

namespace Tailor.Store;

/// <summary>Opens the store a spec's <c>store:</c> section names: the SQLite file, or PostgreSQL from an environment variable.</summary>
public static class GatewayStores
{
    /// <exception cref="InvalidOperationException">The connection string variable is not set.</exception>
    /// <exception cref="StoreUnavailableException">PostgreSQL cannot be reached.</exception>
    public static async Task<IGatewayStore> OpenAsync(
        TailorSpec spec, Func<string, string?> getEnvironmentVariable, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        if (!string.Equals(spec.Store.Provider, "postgres", StringComparison.Ordinal))
        {
            return SqliteInteractionStore.Open(spec.ResolvePath(spec.Store.Path), timeProvider);
        }

        string variable = spec.Store.ConnectionStringEnv ?? "TAILOR_POSTGRES";
        string connectionString = getEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: it must hold the PostgreSQL connection string (store.connection_string_env)");
        return await PostgresGatewayStore.OpenAsync(connectionString, timeProvider, cancellationToken).ConfigureAwait(false);
    }
}
