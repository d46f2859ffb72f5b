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
}
