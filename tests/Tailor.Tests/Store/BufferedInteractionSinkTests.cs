using Microsoft.Extensions.AI;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Store;

/// <summary>The eval runs' recorder over a real SQLite store: nothing is written before a flush, nothing queued is lost.</summary>
public sealed class BufferedInteractionSinkTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-buffered-").FullName;
    private readonly SqliteInteractionStore _store;

    public BufferedInteractionSinkTests() => _store = SqliteInteractionStore.Open(Path.Combine(_dir, "tailor.db"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static Interaction Sample(int i) => new()
    {
        Id = $"01JTEST{i:D19}",
        StartedAt = DateTimeOffset.UnixEpoch.AddSeconds(i),
        CompletedAt = DateTimeOffset.UnixEpoch.AddSeconds(i + 1),
        Source = "eval",
        Request = [new ChatMessage(ChatRole.User, $"question {i}")],
        Response = [new ChatMessage(ChatRole.Assistant, $"answer {i}")],
        Status = InteractionStatus.Ok,
    };

    [Fact]
    public async Task Records_wait_in_memory_until_a_flush_writes_them_all()
    {
        var sink = new BufferedInteractionSink(_store);
        for (int i = 0; i < 5; i++)
        {
            await sink.RecordAsync(Sample(i), Ct);
        }

        Assert.Equal(0, await _store.CountAsync(cancellationToken: Ct));
        Assert.Equal(5, sink.Pending);

        await sink.FlushAsync(Ct);

        Assert.Equal(5, await _store.CountAsync(cancellationToken: Ct));
        Assert.Equal(0, sink.Pending);
        Assert.Equal("answer 3", (await _store.GetAsync(Sample(3).Id, Ct))!.Response[0].Text);
    }

    [Fact]
    public async Task A_failed_flush_keeps_its_records_for_the_next_one()
    {
        var flaky = new FlakyStore(_store) { Failures = 1 };
        var sink = new BufferedInteractionSink(flaky);
        await sink.RecordAsync(Sample(1), Ct);
        await sink.RecordAsync(Sample(2), Ct);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => sink.FlushAsync(Ct).AsTask());
        await sink.RecordAsync(Sample(3), Ct);
        Assert.Equal(3, sink.Pending);

        await sink.FlushAsync(Ct);

        Assert.Equal(3, await _store.CountAsync(cancellationToken: Ct));
        Assert.Equal([Sample(1).Id, Sample(2).Id, Sample(3).Id], flaky.Written);
    }

    [Fact]
    public async Task It_flushes_by_itself_once_max_pending_records_wait()
    {
        var sink = new BufferedInteractionSink(_store, maxPending: 3);
        await sink.RecordAsync(Sample(1), Ct);
        await sink.RecordAsync(Sample(2), Ct);
        Assert.Equal(0, await _store.CountAsync(cancellationToken: Ct));

        await sink.RecordAsync(Sample(3), Ct);

        Assert.Equal(3, await _store.CountAsync(cancellationToken: Ct));
        Assert.Equal(0, sink.Pending);
    }

    [Fact]
    public async Task Disposing_writes_what_is_still_queued()
    {
        var sink = new BufferedInteractionSink(_store);
        await sink.RecordAsync(Sample(7), Ct);

        await sink.DisposeAsync();

        Assert.NotNull(await _store.GetAsync(Sample(7).Id, Ct));
    }

    /// <summary>The real store, refusing its next <see cref="Failures"/> batches as an outage would.</summary>
    private sealed class FlakyStore(IInteractionStore inner) : IInteractionStore
    {
        public int Failures { get; set; }

        public List<string> Written { get; } = [];

        public async ValueTask RecordBatchAsync(IReadOnlyList<Interaction> batch, CancellationToken cancellationToken = default)
        {
            if (Failures > 0)
            {
                Failures--;
                throw new StoreUnavailableException("the store is down");
            }

            await inner.RecordBatchAsync(batch, cancellationToken);
            Written.AddRange(batch.Select(i => i.Id));
        }

        public ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default) => RecordBatchAsync([interaction], cancellationToken);

        public Task<Interaction?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public IAsyncEnumerable<Interaction> QueryAsync(InteractionQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public Task<long> CountAsync(InteractionQuery? query = null, CancellationToken cancellationToken = default) => inner.CountAsync(query, cancellationToken);

        public Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.PruneAsync(cutoff, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
