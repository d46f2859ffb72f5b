using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Tailor.Store.Relational;

/// <summary>
/// The part of a gateway store that is plain SQL: reading and writing interactions, feedback and keys with the
/// statements in <see cref="InteractionRows"/>, <see cref="FeedbackRows"/> and <see cref="ApiKeyRows"/>. A concrete
/// store says how to open connections, how writes are serialised, and which driver errors mean "unavailable".
/// </summary>
/// <remarks>Thread-safe as long as the concrete store's <see cref="WriteAsync"/> and <see cref="OpenReaderAsync"/> are.</remarks>
public abstract partial class RelationalGatewayStore : IGatewayStore
{
    /// <summary>Runs <paramref name="work"/> in one committed transaction.</summary>
    protected abstract Task WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken cancellationToken);

    /// <summary>A connection for reading; the caller disposes it.</summary>
    protected abstract ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="exception"/> means the database is unreachable or cannot work right now.</summary>
    protected abstract bool IsUnavailable(Exception exception);

    /// <summary>Where the data lives, for messages (a file path, a host and database).</summary>
    public abstract string Location { get; }

    public ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        return RecordBatchAsync([interaction], cancellationToken);
    }

    public async ValueTask RecordBatchAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        await GuardAsync(() => WriteInteractionsAsync(batch, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="batch"/> in one transaction with <see cref="InteractionWriteCommands"/>: each store says on
    /// which connection and how (SQLite on its writer with statements kept prepared, PostgreSQL as one batch).
    /// </summary>
    private protected abstract Task WriteInteractionsAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken);

    public async Task<Interaction?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await foreach (var interaction in ReadAsync(InteractionRows.Select + " WHERE i.id = @id LIMIT 1", [("@id", id)], InteractionRows.Read, cancellationToken).ConfigureAwait(false))
        {
            return interaction;
        }

        return null;
    }

    public IAsyncEnumerable<Interaction> QueryAsync(InteractionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = InteractionRows.Filter(query);
        parameters.Add(("@limit", query.Limit));
        return ReadAsync($"{InteractionRows.Select} {where} {InteractionRows.NewestFirst} LIMIT @limit", parameters, InteractionRows.Read, cancellationToken);
    }

    public Task<long> CountAsync(InteractionQuery? query = null, CancellationToken cancellationToken = default)
    {
        var (where, parameters) = InteractionRows.Filter(query ?? new InteractionQuery());
        return ScalarAsync($"SELECT COUNT(*) FROM interactions i {where}", parameters, cancellationToken);
    }

    public async Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        long deleted = 0;
        await GuardAsync(() => WriteAsync(async (connection, tx, ct) =>
        {
            void Bind(DbCommand c) => InteractionRows.Add(c, "@cutoff", cutoff.ToUnixTimeMilliseconds());
            await ExecuteAsync(connection, tx, InteractionRows.PruneFeedback, Bind, ct).ConfigureAwait(false);
            deleted = await ExecuteAsync(connection, tx, InteractionRows.Prune, Bind, ct).ConfigureAwait(false);
        }, cancellationToken)).ConfigureAwait(false);
        return deleted;
    }

    public async Task AddFeedbackAsync(Feedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        await GuardAsync(() => WriteAsync(async (connection, tx, ct) =>
        {
            using var exists = Command(connection, tx, FeedbackRows.InteractionExists);
            InteractionRows.Add(exists, "@interaction_id", feedback.InteractionId);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
            {
                throw new KeyNotFoundException($"no interaction '{feedback.InteractionId}'");
            }

            await ExecuteAsync(connection, tx, FeedbackRows.Insert, c => FeedbackRows.Bind(c, feedback), ct).ConfigureAwait(false);
        }, cancellationToken)).ConfigureAwait(false);
    }

    public IAsyncEnumerable<Feedback> QueryFeedbackAsync(FeedbackQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = FeedbackRows.Filter(query);
        parameters.Add(("@limit", query.Limit));
        return ReadAsync($"{FeedbackRows.Select} {where} ORDER BY id DESC LIMIT @limit", parameters, FeedbackRows.Read, cancellationToken);
    }

    public Task AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GuardAsync(() => WriteAsync((connection, tx, ct) => ExecuteAsync(connection, tx, ApiKeyRows.Insert, c => ApiKeyRows.Bind(c, key), ct), cancellationToken));
    }

    public async Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await foreach (var key in ReadAsync(ApiKeyRows.Select + " WHERE id = @id", [("@id", id)], ApiKeyRows.Read, cancellationToken).ConfigureAwait(false))
        {
            return key;
        }

        return null;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        var keys = new List<ApiKeyRecord>();
        await foreach (var key in ReadAsync(ApiKeyRows.Select + " ORDER BY created_at_ms DESC, id", [], ApiKeyRows.Read, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        return keys;
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        long changed = 0;
        await GuardAsync(() => WriteAsync(async (connection, tx, ct) =>
        {
            changed = await ExecuteAsync(connection, tx, ApiKeyRows.Revoke, c =>
            {
                InteractionRows.Add(c, "@id", id);
                InteractionRows.Add(c, "@at", at.ToUnixTimeMilliseconds());
            }, ct).ConfigureAwait(false);
        }, cancellationToken)).ConfigureAwait(false);
        return changed > 0;
    }

    public Task PingAsync(CancellationToken cancellationToken = default) =>
        ScalarAsync("SELECT COUNT(*) FROM schema_migrations", [], cancellationToken);

    public abstract ValueTask DisposeAsync();

    private async Task<long> ScalarAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, sql);
            foreach (var (name, value) in parameters)
            {
                InteractionRows.Add(command, name, value);
            }

            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(e);
        }
    }

    private async IAsyncEnumerable<T> ReadAsync<T>(
        string sql, IReadOnlyList<(string Name, object Value)> parameters, Func<DbDataReader, T> map,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        DbConnection connection;
        try
        {
            connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(e);
        }

        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, null, sql);
            foreach (var (name, value) in parameters)
            {
                InteractionRows.Add(command, name, value);
            }

            DbDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                throw Unavailable(e);
            }

            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return map(reader);
                }
            }
        }
    }

    private async Task GuardAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not KeyNotFoundException && IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The error for a driver exception that <see cref="IsUnavailable"/> recognised, naming the store.</summary>
    private protected StoreUnavailableException Unavailable(Exception e) =>
        new($"the store at {Location} is unavailable: {e.Message}", e);

    private static async Task<long> ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        using var command = Command(connection, tx, sql);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }
}
