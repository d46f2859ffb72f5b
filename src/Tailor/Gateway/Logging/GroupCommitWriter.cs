using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Store;

namespace Tailor.Gateway.Logging;

/// <summary>
/// The gateway's interaction log writer: every request's record joins a bounded queue, one writer takes whatever has
/// gathered and commits it in one transaction (group commit), and <see cref="RecordAsync"/> returns only once that
/// transaction is durable. Many concurrent requests share one disk sync, and a response is never sent before its
/// record is safe.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Nothing is dropped: while the store is unavailable, batches are retried and stay queued; new
/// requests are refused at admission (<see cref="HasRoom"/>) once the queue is nearly full; a request whose record
/// cannot commit within <see cref="GroupCommitOptions.CommitTimeout"/> gets <see cref="StoreUnavailableException"/>
/// while its record stays queued. A record the store rejects for itself (a constraint) is written alone, failing only
/// its own request.</para>
/// <para><see cref="DisposeAsync"/> (graceful shutdown) stops taking records and writes everything queued.</para>
/// </remarks>
public sealed class GroupCommitWriter : IInteractionSink, IAsyncDisposable
{
    private readonly IInteractionStore _store;
    private readonly GroupCommitOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;
    private readonly CancellationTokenSource _abandon = new();
    private int _depth;
    private long _written;
    private long _failedBatches;
    private volatile bool _unavailable;

    public GroupCommitWriter(IInteractionStore store, GroupCommitOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new GroupCommitOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records waiting to be written.</summary>
    public int QueueDepth => Volatile.Read(ref _depth);

    /// <summary>Records written since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Batches that failed (and were retried or split).</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>Whether the last write attempt found the store unavailable.</summary>
    public bool StoreUnavailable => _unavailable;

    /// <summary>Whether a new request may start: the queue has room for its record with a margin for those in flight.</summary>
    public bool HasRoom => QueueDepth < _options.Capacity * 9 / 10;

    /// <summary>Queues the record and completes once it is committed.</summary>
    /// <exception cref="StoreUnavailableException">It did not commit within the commit timeout; it stays queued.</exception>
    public async ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var pending = new Pending(interaction);
        Interlocked.Increment(ref _depth);
        try
        {
            // Waiting for room is the push-back; the caller's token is not honoured here so a record is never half-queued.
            await _queue.Writer.WriteAsync(pending, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            Interlocked.Decrement(ref _depth);
            throw new StoreUnavailableException("the gateway is shutting down; the interaction log no longer accepts records");
        }

        try
        {
            await pending.Committed.Task.WaitAsync(_options.CommitTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new StoreUnavailableException(
                $"the interaction log could not commit within {_options.CommitTimeout.TotalSeconds:0}s (store {(_unavailable ? "unavailable" : "slow")}); the record stays queued", e);
        }
    }

    /// <summary>Stops accepting records and writes all queued ones; gives up on them when <paramref name="deadline"/> passes.</summary>
    public async Task DrainAsync(TimeSpan deadline)
    {
        GatewayLog.Draining(_logger, QueueDepth);
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(deadline, _time)).ConfigureAwait(false) != _loop)
        {
            GatewayLog.DrainIncomplete(_logger, QueueDepth);
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _abandon.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_options.MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await WriteAsync(batch).ConfigureAwait(false);
            Interlocked.Add(ref _depth, -batch.Count);
            batch.Clear();
        }
    }

    // mayBeWritten: an earlier attempt failed without an answer (a connection lost after the commit was sent), so the
    // store may hold the batch already, and a retry that fails on their ids means it does.
    private async Task WriteAsync(List<Pending> batch, bool mayBeWritten = false)
    {
        while (true)
        {
            try
            {
                await _store.RecordBatchAsync([.. batch.Select(p => p.Interaction)], CancellationToken.None).ConfigureAwait(false);
                Committed(batch);
                return;
            }
            catch (StoreUnavailableException e)
            {
                mayBeWritten = true;
                Interlocked.Increment(ref _failedBatches);
                if (!_unavailable)
                {
                    _unavailable = true;
                    GatewayLog.StoreUnavailable(_logger, QueueDepth, e.Message);
                }

                if (_abandon.IsCancellationRequested)
                {
                    Fail(batch, e);
                    return;
                }

                try
                {
                    await Task.Delay(_options.RetryDelay, _time, _abandon.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Fail(batch, e);
                    return;
                }
            }
#pragma warning disable CA1031 // A record the store rejects fails its own request, never the writer loop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (mayBeWritten && await AllStoredAsync(batch).ConfigureAwait(false))
                {
                    // The lost attempt had committed: the batch is written, once.
                    Committed(batch);
                    return;
                }

                if (batch.Count > 1)
                {
                    // One bad record must not sink its neighbours: write them one by one.
                    Interlocked.Increment(ref _failedBatches);
                    foreach (var pending in batch)
                    {
                        await WriteAsync([pending], mayBeWritten).ConfigureAwait(false);
                    }

                    return;
                }

                GatewayLog.RecordRejected(_logger, batch[0].Interaction.Id, e.Message);
                Fail(batch, e);
                return;
            }
        }
    }

    private void Committed(List<Pending> batch)
    {
        if (_unavailable)
        {
            _unavailable = false;
            GatewayLog.StoreRecovered(_logger, QueueDepth);
        }

        Interlocked.Add(ref _written, batch.Count);
        foreach (var pending in batch)
        {
            pending.Committed.TrySetResult();
        }
    }

    // Whether every record of the batch is in the store (ids are the gateway's own ULIDs, so a record there is this one).
    private async Task<bool> AllStoredAsync(List<Pending> batch)
    {
        try
        {
            foreach (var pending in batch)
            {
                if (await _store.GetAsync(pending.Interaction.Id, CancellationToken.None).ConfigureAwait(false) is null)
                {
                    return false;
                }
            }

            return true;
        }
#pragma warning disable CA1031 // Not knowing is "no": the batch goes on to be split and retried as before.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static void Fail(List<Pending> batch, Exception error)
    {
        foreach (var pending in batch)
        {
            pending.Committed.TrySetException(error);
        }
    }

    private sealed class Pending(Interaction interaction)
    {
        public Interaction Interaction { get; } = interaction;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
