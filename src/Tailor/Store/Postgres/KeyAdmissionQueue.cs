namespace Tailor.Store.Postgres;

/// <summary>
/// The admissions of one key in one gateway instance, taken together: while a round trip for the key is in flight, the
/// requests that arrive wait, and the next round trip counts them all at once and hands each its decision in arrival
/// order. A busy key then costs the database one statement at a time per instance, instead of one per request in
/// flight, all updating the same row: with one per request, 64 requests in flight queued on that row's lock until the
/// log's writes, which then added tokens to the same row in their own transactions, starved and timed out.
/// </summary>
/// <remarks>Thread-safe. Only the requests of one calendar minute share a round trip (each counts in its minute's row).</remarks>
internal sealed class KeyAdmissionQueue
{
    private readonly object _gate = new();
    private List<Waiter> _pending = [];
    private bool _running;

    /// <summary>One request to admit: its calendar minute (Unix ms), how far into it (0 to 1), and the key's limits.</summary>
    public readonly record struct Request(long Minute, double Elapsed, int? RequestsPerMinute, long? TokensPerMinute);

    /// <summary>
    /// Decides <paramref name="request"/> with the next round trip: <paramref name="roundTrip"/> gets every request waiting
    /// then (all of one minute) and returns their decisions in the same order.
    /// </summary>
    public async Task<KeyRateDecision> TakeAsync(
        Request request, Func<IReadOnlyList<Request>, Task<KeyRateDecision[]>> roundTrip, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(request);
        bool lead;
        lock (_gate)
        {
            _pending.Add(waiter);
            lead = !_running;
            _running = true;
        }

        if (lead)
        {
            // The first request runs the round trip itself (no hand-off when the key is quiet); the requests that came
            // meanwhile get the next one, on the thread pool, so this request does not wait for theirs.
            await RunOnceAsync(roundTrip).ConfigureAwait(false);
        }

        return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunOnceAsync(Func<IReadOnlyList<Request>, Task<KeyRateDecision[]>> roundTrip)
    {
        List<Waiter> group;
        lock (_gate)
        {
            long minute = _pending[0].Request.Minute;
            group = _pending.FindAll(w => w.Request.Minute == minute);
            _pending = _pending.FindAll(w => w.Request.Minute != minute);
        }

        try
        {
            var decisions = await roundTrip(group.ConvertAll(w => w.Request)).ConfigureAwait(false);
            for (int i = 0; i < group.Count; i++)
            {
                group[i].TrySetResult(decisions[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var waiter in group)
            {
                waiter.TrySetException(e);
            }
        }

        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                _running = false;
                return;
            }
        }

        _ = Task.Run(() => RunOnceAsync(roundTrip));
    }

    private sealed class Waiter(Request request) : TaskCompletionSource<KeyRateDecision>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Request Request { get; } = request;
    }
}
