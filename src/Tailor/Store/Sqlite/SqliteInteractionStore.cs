using System.Data.Common;
using Microsoft.Data.Sqlite;
using Tailor.Store.Relational;

namespace Tailor.Store.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with full sync, so a recorded interaction survives a crash
/// (even <c>kill -9</c> or a power cut) the moment <see cref="RelationalGatewayStore.RecordAsync"/> or
/// <see cref="RelationalGatewayStore.RecordBatchAsync"/> completes.
/// </summary>
/// <remarks>
/// Thread-safe. Writes go through one connection, one transaction at a time (batch many interactions into one
/// transaction to share its disk sync); reads open their own pooled connections and never wait for a writer (WAL).
/// </remarks>
public sealed class SqliteInteractionStore : RelationalGatewayStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private InteractionWriteCommands? _writeCommands;
    private bool _disposed;

    private SqliteInteractionStore(string path, TimeProvider time)
    {
        (Path, _connectionString, _writer) = SqliteDatabase.Open(path, time);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string Location => Path;

    /// <summary>Opens (creating if needed, with its directory) the store at <paramref name="path"/> and brings its schema up to date.</summary>
    public static SqliteInteractionStore Open(string path, TimeProvider? timeProvider = null) => new(path, timeProvider ?? TimeProvider.System);

    protected override async Task WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tx = _writer.BeginTransaction();
            // The writer's work is not cancelled halfway: a commit that started finishes, so "written" stays true.
            await work(_writer, tx, CancellationToken.None).ConfigureAwait(false);
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // Every write runs on the one writer connection under the write lock: its statements stay prepared between batches.
    private protected override Task WriteInteractionsAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken) =>
        WriteAsync((_, tx, ct) => (_writeCommands ??= new InteractionWriteCommands(_writer, rows: new SqliteInteractionRowWriter(_writer))).WriteAsync(batch, tx, ct), cancellationToken);

    protected override async ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    // Busy, locked, I/O error, disk full, cannot open: the file is there but cannot be worked with now.
    protected override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 };

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writeCommands?.Dispose();
            await _writer.DisposeAsync().ConfigureAwait(false);
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
