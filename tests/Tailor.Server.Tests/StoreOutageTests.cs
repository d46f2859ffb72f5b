using System.Net;
using System.Text;
using Npgsql;
using Tailor.Gateway.Logging;
using Tailor.Store;
using Tailor.Store.Postgres;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>
/// The database goes away under a running gateway (a real PostgreSQL server behind a TCP proxy the test cuts): valid
/// keys get 503, never 401; health says so; nothing acknowledged is lost, and service resumes when the database returns.
/// </summary>
public sealed class StoreOutageTests
{
    private static StringContent Message(string text) => new($$"""{"model":"support","messages":[{"role":"user","content":"{{text}}"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_database_outage_answers_503_for_valid_keys_never_401_and_the_gateway_recovers_when_it_returns()
    {
        await using var database = await PostgresTestDatabase.RequireAsync(TestContext.Current.CancellationToken);

        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, CommandTimeout = 3 }.ConnectionString;
        await using var store = await PostgresGatewayStore.OpenAsync(viaProxy);
        await using var gw = await GatewayFixture.StartAsync(openStore: _ => Task.FromResult<IGatewayStore>(store),
            options: new GatewayServerOptions { Log = new GroupCommitOptions { CommitTimeout = TimeSpan.FromSeconds(3), RetryDelay = TimeSpan.FromMilliseconds(200) } });
        string? neverSeen = null;
        await gw.CreateKeyAsync("never-seen-before-the-outage", keep: k => neverSeen = k);

        using var before = await gw.Http.PostAsync("v1/chat/completions", Message("before"));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        proxy.Cut();
        NpgsqlConnection.ClearAllPools();
        using var cachedKey = await gw.Http.PostAsync("v1/chat/completions", Message("during"));
        string duringId = Assert.Single(cachedKey.Headers.GetValues("x-tailor-interaction-id"));
        using var uncachedKey = await gw.NewClient(neverSeen).PostAsync("v1/chat/completions", Message("during, new key"));
        using var health = await gw.NewClient(null).GetAsync("healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, cachedKey.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncachedKey.StatusCode);
        Assert.Contains("store_unavailable", await uncachedKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(uncachedKey.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

        proxy.Restore();
        HttpStatusCode after = default;
        for (int i = 0; i < 100 && after != HttpStatusCode.OK; i++)
        {
            using var retry = await gw.NewClient(neverSeen).PostAsync("v1/chat/completions", Message("after"));
            after = retry.StatusCode;
            if (after != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Equal(HttpStatusCode.OK, (await gw.NewClient(null).GetAsync("healthz")).StatusCode);
        // The request answered 503 during the outage was not lost either: its record waited in the queue.
        Assert.NotNull(await store.GetAsync(duringId));
        Assert.NotNull(await store.GetAsync(Assert.Single(before.Headers.GetValues("x-tailor-interaction-id"))));
    }
}
