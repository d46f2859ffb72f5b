using Microsoft.Extensions.AI;
using Tailor.Gateway.Logging;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Gateway;

/// <summary>The group-commit writer over a real SQLite file: records commit before their callers return, many share a transaction, a bad one fails alone.</summary>
public sealed class GroupCommitWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-groupcommit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Interaction Record(string id) => new()
    {
        Id = id,
        StartedAt = DateTimeOffset.UnixEpoch,
        Source = "gateway",
        Request = [new ChatMessage(ChatRole.User, "hi")],
    };

    [Fact]
    public async Task Concurrent_records_are_all_durable_when_their_calls_return_in_fewer_transactions_than_records()
    {
        await using var store = SqliteInteractionStore.Open(Path.Combine(_dir, "t.db"));
        var writer = new GroupCommitWriter(store);
        var ids = new UlidGenerator();

        await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Task.Run(async () =>
        {
            string id = ids.Next();
            await writer.RecordAsync(Record(id));
            // Durable the moment the call returns: read it back through another connection.
            Assert.NotNull(await store.GetAsync(id));
        })));

        Assert.Equal(400, writer.Written);
        Assert.Equal(0, writer.QueueDepth);
        await writer.DisposeAsync();
        Assert.Equal(400, await store.CountAsync(new InteractionQuery { Limit = 1000 }));
    }

    [Fact]
    public async Task A_record_the_store_rejects_fails_its_own_caller_and_not_its_batch_neighbours()
    {
        await using var store = SqliteInteractionStore.Open(Path.Combine(_dir, "t.db"));
        await store.RecordAsync(Record("DUPLICATE"));
        await using var writer = new GroupCommitWriter(store);

        var good = Enumerable.Range(0, 20).Select(i => writer.RecordAsync(Record($"G{i:D2}")).AsTask()).ToList();
        var bad = writer.RecordAsync(Record("DUPLICATE")).AsTask();

        await Task.WhenAll(good);
        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        Assert.Equal(21, await store.CountAsync(new InteractionQuery { Limit = 1000 }));
    }

    [Fact]
    public async Task A_batch_whose_commit_was_lost_on_the_way_back_is_written_once_and_its_callers_succeed()
    {
        // The first batch commits but its answer never arrives (a PostgreSQL connection cut after COMMIT was sent): the
        // writer retries, the store refuses the ids it already holds, and that refusal means "written", not "rejected".
        await using var inner = SqliteInteractionStore.Open(Path.Combine(_dir, "t.db"));
        var store = new AnswerLostOnce(inner);
        await using var writer = new GroupCommitWriter(store, new GroupCommitOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => writer.RecordAsync(Record($"L{i:D2}")).AsTask()));

        Assert.True(store.Lost);
        Assert.Equal(20, writer.Written);
        Assert.Equal(20, await inner.CountAsync(new InteractionQuery { Limit = 1000 }));
    }

    [Fact]
    public async Task Draining_writes_what_is_queued_and_then_refuses_new_records()
    {
        await using var store = SqliteInteractionStore.Open(Path.Combine(_dir, "t.db"));
        var writer = new GroupCommitWriter(store);
        var pending = Enumerable.Range(0, 50).Select(i => writer.RecordAsync(Record($"D{i:D2}")).AsTask()).ToList();

        await writer.DrainAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(pending);

        Assert.Equal(50, await store.CountAsync(new InteractionQuery { Limit = 1000 }));
        await Assert.ThrowsAsync<StoreUnavailableException>(async () => await writer.RecordAsync(Record("late")));
    }

    /// <summary>A real store whose first batch commits and then reports the store unavailable, as a lost answer would.</summary>
    private sealed class AnswerLostOnce(IInteractionStore inner) : IInteractionStore
    {
        public bool Lost { get; private set; }

        public async ValueTask RecordBatchAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken = default)
        {
            await inner.RecordBatchAsync(batch, cancellationToken);
            if (!Lost)
            {
                Lost = true;
                throw new StoreUnavailableException("the connection closed before the commit was acknowledged");
            }
        }

        public ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default) =>
            RecordBatchAsync([interaction], cancellationToken);

        public Task<Interaction?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public IAsyncEnumerable<Interaction> QueryAsync(InteractionQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public Task<long> CountAsync(InteractionQuery? query = null, CancellationToken cancellationToken = default) => inner.CountAsync(query, cancellationToken);

        public Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.PruneAsync(cutoff, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
