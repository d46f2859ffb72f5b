using Microsoft.Extensions.Time.Testing;
using Tailor.Gateway.Keys;
using Tailor.Store;

namespace Tailor.Tests.Gateway;

public sealed class KeyLimiterTests
{
    private static ApiKeyRecord Key(int? rpm = null, int? tpm = null, long? quota = null, long used = 0) => new()
    {
        Id = "k1", Name = "k", SecretHash = [1], CreatedAt = DateTimeOffset.UnixEpoch,
        RequestsPerMinute = rpm, TokensPerMinute = tpm, TokenQuota = quota, TokensUsed = used,
    };

    [Fact]
    public void Requests_per_minute_admit_the_allowance_then_refuse_until_the_bucket_refills()
    {
        var time = new FakeTimeProvider();
        var limiter = new KeyLimiter(time);
        var key = Key(rpm: 3);

        Assert.All(Enumerable.Range(0, 3), _ => Assert.Null(limiter.TryAdmit(key)));
        var refused = limiter.TryAdmit(key);
        Assert.NotNull(refused);
        Assert.Equal("rate_limit_exceeded", refused.Code);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(limiter.TryAdmit(key));
        Assert.NotNull(limiter.TryAdmit(key));
    }

    [Fact]
    public void Tokens_per_minute_refuse_once_the_charged_tokens_exhaust_the_bucket()
    {
        var time = new FakeTimeProvider();
        var limiter = new KeyLimiter(time);
        var key = Key(tpm: 100);

        Assert.Null(limiter.TryAdmit(key));
        limiter.Charge(key, 150);
        Assert.Equal("rate_limit_exceeded", limiter.TryAdmit(key)?.Code);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(limiter.TryAdmit(key));
    }

    [Fact]
    public void The_quota_counts_the_stores_usage_plus_what_this_process_charged_since()
    {
        var limiter = new KeyLimiter(new FakeTimeProvider());
        var key = Key(quota: 1000, used: 900);

        Assert.Null(limiter.TryAdmit(key));
        limiter.Charge(key, 50);
        Assert.Null(limiter.TryAdmit(key));
        limiter.Charge(key, 50);
        Assert.Equal("insufficient_quota", limiter.TryAdmit(key)?.Code);

        // A fresher record from the store (which already includes those charges) replaces the local count.
        Assert.Equal("insufficient_quota", limiter.TryAdmit(key with { TokensUsed = 1000 })?.Code);
        Assert.Null(limiter.TryAdmit(key with { TokensUsed = 990, TokenQuota = 2000 }));
    }
}
