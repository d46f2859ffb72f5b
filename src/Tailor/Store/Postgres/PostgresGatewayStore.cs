using System.Data.Common;
using System.Net.Sockets;
using Npgsql;
using Tailor.Store.Relational;

namespace Tailor.Store.Postgres;

/// <summary>
/// The shared store: interactions, feedback and keys in PostgreSQL, so several gateway instances behind a load
/// balancer write one log. A record is durable once its transaction commits (PostgreSQL's WAL with the server's
/// <c>synchronous_commit</c>, on by default).
/// </summary>
/// <remarks>
/// Thread-safe. Every operation takes a pooled connection; writes of different callers run in parallel.
/// The schema goes in the first schema of the connection's <c>search_path</c> (<c>public</c> unless the connection
/// string sets <c>Search Path</c>), which is how tests isolate themselves.
/// </remarks>
public sealed partial class PostgresGatewayStore : RelationalGatewayStore, IKeyRateStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresGatewayStore(string connectionString, string location)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        Location = location;
    }

    public override string Location { get; }

    /// <summary>Connects with <paramref name="connectionString"/> and brings the schema up to date.</summary>
    /// <exception cref="StoreUnavailableException">The server cannot be reached.</exception>
    public static async Task<PostgresGatewayStore> OpenAsync(string connectionString, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // A location for messages: never the password.
        string location = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        var store = new PostgresGatewayStore(builder.ConnectionString, location);
        try
        {
            await PostgresMigrations.ApplyAsync(store._dataSource, timeProvider ?? TimeProvider.System, location, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (store.IsUnavailable(e))
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new StoreUnavailableException($"cannot reach the PostgreSQL store at {location}: {e.Message}", e);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return store;
    }

    // One round trip per batch: its statements go as one pipeline ending in a single Sync, which PostgreSQL runs as one
    // implicit transaction and commits (durably, with synchronous_commit on) before it answers. Written one statement at
    // a time in an explicit transaction, a batch took a round trip per statement and one for its commit.
    private protected override async Task WriteInteractionsAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var commands = new InteractionWriteCommands(connection, batched: true);
        // Once sent, the batch is not cancelled (its commit is part of it): a caller told "written" must be right.
        await commands.WriteAsync(batch, transaction: null, CancellationToken.None).ConfigureAwait(false);
        await ChargeTokensAsync(connection, commands.Usage).ConfigureAwait(false);
    }

    protected override async Task WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await work(connection, tx, cancellationToken).ConfigureAwait(false);
        // Once the commit is sent it is not cancelled: a caller told "written" must be right.
        await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    protected override async ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    // Transient driver errors, sockets, timeouts, and the server's "cannot connect now" / "too many connections" /
    // admin shutdown / insufficient resources classes: the database is down or overloaded, not the request wrong.
    protected override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or TimeoutException => true,
        InvalidOperationException { InnerException: NpgsqlException } => true,
        _ => false,
    };

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
