using Tailor.Store;
using Tailor.Store.Postgres;
using Request = Tailor.Store.Postgres.KeyAdmissionQueue.Request;

namespace Tailor.Tests.Store;

/// <summary>
/// <see cref="KeyAdmissionQueue"/>: the admissions of one busy key share round trips to the database instead of each
/// holding the key's row in turn. The round trip here is a function that says what it was given.
/// </summary>
public sealed class KeyAdmissionQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly List<int> _groups = [];
    private readonly TaskCompletionSource _firstMayEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The first round trip waits until the test lets it end; every decision echoes the request's limit as its count.
    private async Task<KeyRateDecision[]> RoundTrip(IReadOnlyList<Request> group)
    {
        bool first;
        lock (_groups)
        {
            _groups.Add(group.Count);
            first = _groups.Count == 1;
        }

        if (first)
        {
            await _firstMayEnd.Task;
        }

        return [.. group.Select(r => new KeyRateDecision(true, r.RequestsPerMinute ?? 0, 0, TimeSpan.Zero))];
    }

    [Fact]
    public async Task Requests_that_arrive_during_a_round_trip_share_the_next_one_and_each_gets_its_own_decision()
    {
        var queue = new KeyAdmissionQueue();
        var first = queue.TakeAsync(new Request(0, 0.5, 1, null), RoundTrip, Ct);
        var waiting = Enumerable.Range(2, 10).Select(i => queue.TakeAsync(new Request(0, 0.5, i, null), RoundTrip, Ct)).ToList();
        Assert.False(first.IsCompleted);

        _firstMayEnd.SetResult();

        Assert.Equal(1, (await first).Requests);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (double)i), (await Task.WhenAll(waiting)).Select(d => d.Requests));
        Assert.Equal([1, 10], _groups);
    }

    [Fact]
    public async Task Only_requests_of_one_minute_share_a_round_trip()
    {
        var queue = new KeyAdmissionQueue();
        var first = queue.TakeAsync(new Request(0, 0.99, 1, null), RoundTrip, Ct);
        var sameMinute = queue.TakeAsync(new Request(0, 0.99, 2, null), RoundTrip, Ct);
        var nextMinute = queue.TakeAsync(new Request(60_000, 0.01, 3, null), RoundTrip, Ct);
        var sameAgain = queue.TakeAsync(new Request(0, 0.99, 4, null), RoundTrip, Ct);

        _firstMayEnd.SetResult();

        Assert.Equal([1, 2, 3, 4], (await Task.WhenAll(first, sameMinute, nextMinute, sameAgain)).Select(d => (int)d.Requests));
        Assert.Equal([1, 2, 1], _groups);
    }

    [Fact]
    public async Task A_failed_round_trip_fails_every_request_it_carried_and_the_next_request_tries_again()
    {
        var queue = new KeyAdmissionQueue();
        var down = new StoreUnavailableException("the store is unavailable");
        int calls = 0;
        Task<KeyRateDecision[]> Failing(IReadOnlyList<Request> group) =>
            Interlocked.Increment(ref calls) == 1 ? Task.FromException<KeyRateDecision[]>(down) : RoundTrip(group);

        Assert.Same(down, await Assert.ThrowsAsync<StoreUnavailableException>(() => queue.TakeAsync(new Request(0, 0, 1, null), Failing, Ct)));

        _firstMayEnd.SetResult();
        Assert.Equal(5, (await queue.TakeAsync(new Request(0, 0, 5, null), Failing, Ct)).Requests);
    }
}
