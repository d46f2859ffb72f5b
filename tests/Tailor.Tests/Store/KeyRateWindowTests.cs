using Tailor.Store.Relational;

namespace Tailor.Tests.Store;

/// <summary>The sliding-window counter behind shared per-minute key limits.</summary>
public sealed class KeyRateWindowTests
{
    [Fact]
    public void Requests_up_to_the_limit_are_admitted_and_the_next_waits_until_the_window_has_room()
    {
        var tenth = KeyRateWindow.Decide(requests: 10, tokens: 0, previousRequests: 0, previousTokens: 0, elapsed: 0.5, requestsPerMinute: 10, tokensPerMinute: null);
        var eleventh = KeyRateWindow.Decide(requests: 11, tokens: 0, previousRequests: 0, previousTokens: 0, elapsed: 0.5, requestsPerMinute: 10, tokensPerMinute: null);

        Assert.True(tenth.Admitted);
        Assert.False(eleventh.Admitted);
        // 30 s until this minute ends, then 6 s until its ten requests, fading, weigh nine
        Assert.Equal(TimeSpan.FromSeconds(36), eleventh.RetryAfter);
    }

    [Fact]
    public void The_previous_minute_weighs_by_the_part_of_it_still_inside_the_sliding_minute()
    {
        // 40 requests last minute, a quarter into this one: 30 of them still count
        var decision = KeyRateWindow.Decide(requests: 11, tokens: 0, previousRequests: 40, previousTokens: 0, elapsed: 0.25, requestsPerMinute: 40, tokensPerMinute: null);

        Assert.False(decision.Admitted);
        Assert.Equal(41, decision.Requests);
        // room for one more once 40 * (0.75 - s/60) + 10 <= 39: s = 1.5 -> 2 s
        Assert.Equal(TimeSpan.FromSeconds(2), decision.RetryAfter);
        Assert.True(KeyRateWindow.Decide(requests: 10, tokens: 0, previousRequests: 40, previousTokens: 0, elapsed: 0.25, requestsPerMinute: 40, tokensPerMinute: null).Admitted);
    }

    [Fact]
    public void Tokens_refuse_once_the_window_holds_the_limit()
    {
        Assert.True(KeyRateWindow.Decide(requests: 1, tokens: 99, previousRequests: 0, previousTokens: 0, elapsed: 0.1, requestsPerMinute: null, tokensPerMinute: 100).Admitted);
        var full = KeyRateWindow.Decide(requests: 1, tokens: 100, previousRequests: 0, previousTokens: 0, elapsed: 0.1, requestsPerMinute: null, tokensPerMinute: 100);
        Assert.False(full.Admitted);
        Assert.True(full.RetryAfter >= TimeSpan.FromSeconds(54));
    }
}
