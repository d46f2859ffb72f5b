using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Tailor.Gateway.Keys;
using Tailor.Providers;
using Tailor.Store;
using Tailor.Store.Postgres;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>Per-minute key limits across gateway instances that share a PostgreSQL store.</summary>
public sealed class SharedLimitsTests
{
    private static StringContent Message(string text) => new($$"""{"model":"solo","messages":[{"role":"user","content":"{{text}}"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Two_gateways_on_one_database_enforce_one_requests_per_minute_limit_between_them()
    {
        await using var database = await PostgresTestDatabase.RequireAsync(TestContext.Current.CancellationToken);
        await using var firstStore = await PostgresGatewayStore.OpenAsync(database.ConnectionString);
        await using var secondStore = await PostgresGatewayStore.OpenAsync(database.ConnectionString);
        await using var first = await GatewayFixture.StartAsync(openStore: _ => Task.FromResult<IGatewayStore>(firstStore));
        await using var second = await TailorGateway.StartAsync(first.Spec, secondStore, new GatewayServerOptions { Url = "http://127.0.0.1:0" },
            ProviderRegistry.CreateDefault(), new ProviderContext { ProjectDirectory = first.Directory });
        string limited = null!;
        await first.CreateKeyAsync("limited", rpm: 4, keep: k => limited = k);
        using var viaFirst = first.NewClient(limited);
        using var viaSecond = new HttpClient { BaseAddress = second.Address };
        viaSecond.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", limited);

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { viaFirst, viaSecond, viaFirst, viaSecond, viaFirst, viaSecond })
        {
            using var response = await client.PostAsync("v1/chat/completions", Message("hello"), TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("4 requests per minute", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        // each instance alone would have admitted all three of its own
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task While_the_database_is_out_of_reach_the_instances_own_buckets_decide_and_it_is_asked_again_later()
    {
        await using var database = await PostgresTestDatabase.RequireAsync(TestContext.Current.CancellationToken);
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, CommandTimeout = 3 }.ConnectionString;
        await using var store = await PostgresGatewayStore.OpenAsync(viaProxy);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 5, TimeSpan.Zero));
        var limiter = new KeyLimiter(time, shared: store);
        var key = new ApiKeyRecord { Id = "k1", Name = "k1", SecretHash = [1], CreatedAt = time.GetUtcNow(), RequestsPerMinute = 3 };
        var ct = TestContext.Current.CancellationToken;

        Assert.Null(await limiter.TryAdmitAsync(key, ct));
        proxy.Cut();
        NpgsqlConnection.ClearAllPools();

        // the local bucket (three a minute, none taken yet in this process) admits three, then refuses
        Assert.Null(await limiter.TryAdmitAsync(key, ct));
        Assert.Null(await limiter.TryAdmitAsync(key, ct));
        Assert.Null(await limiter.TryAdmitAsync(key, ct));
        Assert.Equal("rate_limit_exceeded", (await limiter.TryAdmitAsync(key, ct))?.Code);

        // the database is back, but it is not asked before the retry delay (it holds one request and would admit)
        proxy.Restore();
        Assert.Equal("rate_limit_exceeded", (await limiter.TryAdmitAsync(key, ct))?.Code);

        // after it the shared minute decides again: one request there, so this one is admitted (the local bucket
        // has refilled a quarter of a request)
        time.Advance(KeyLimiter.SharedRetryDelay);
        Assert.Null(await limiter.TryAdmitAsync(key, ct));
        Assert.Equal(3, (await store.TryTakeRequestAsync("k1", time.GetUtcNow(), null, null, ct)).Requests);
    }
}
