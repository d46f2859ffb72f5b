namespace Tailor.Store;

/// <summary>
/// An interaction sink whose durability point is <see cref="FlushAsync"/>: records wait in memory and each flush writes
/// all of them in one transaction. For callers that commit their own results in batches and only need a record to be
/// durable before the result that points at it (an eval run flushes before each batch of case results), so a run's
/// calls share disk syncs instead of paying one each.
/// </summary>
/// <remarks>
/// <para>Thread-safe. <see cref="RecordAsync"/> returns once the record is queued, not durable; it flushes by itself
/// when <see cref="MaxPending"/> records wait, so memory stays bounded without a caller that flushes. A flush that fails
/// keeps its records queued, in order, for the next one. <see cref="DisposeAsync"/> flushes.</para>
/// <para>Not for the gateway: a response must never leave before its record is durable there (GroupCommitWriter).</para>
/// </remarks>
public sealed class BufferedInteractionSink : IInteractionSink, IAsyncDisposable
{
    private readonly IInteractionStore _store;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private List<Interaction> _pending = [];

    public BufferedInteractionSink(IInteractionStore store, int maxPending = 256)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        MaxPending = maxPending;
    }

    /// <summary>Records that may wait before a record call flushes them itself.</summary>
    public int MaxPending { get; }

    /// <summary>Records queued and not yet written.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        int count;
        lock (_gate)
        {
            _pending.Add(interaction);
            count = _pending.Count;
        }

        return count >= MaxPending ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Writes every record queued so far in one transaction; completes once they are durable.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        // One flush at a time keeps the log in the order the records arrived, and a failed batch goes back first.
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<Interaction> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = [];
            }

            try
            {
                await _store.RecordBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                lock (_gate)
                {
                    batch.AddRange(_pending);
                    _pending = batch;
                }

                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Dispose();
        }
    }
}
