using Npgsql;
using Tailor.Store;
using Tailor.Store.Postgres;
using Tailor.Testing;

namespace Tailor.Tests.Store;

/// <summary>The store contract against a real PostgreSQL server (<c>TAILOR_TEST_POSTGRES</c>), each test in its own schema.</summary>
public sealed class PostgresGatewayStoreTests : GatewayStoreContract
{
    private PostgresTestDatabase? _database;

    public override async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.RequireAsync(TestContext.Current.CancellationToken);

    protected override async Task<IGatewayStore> OpenAsync() => await PostgresGatewayStore.OpenAsync(_database!.ConnectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Through_PgBouncer_in_transaction_mode_concurrent_writes_admissions_and_reads_all_succeed()
    {
        // Consecutive transactions of one client connection land on different server connections (a pool of four), so
        // nothing may live on a server connection between transactions: prepared statements did (26000, 42P05).
        var ct = TestContext.Current.CancellationToken;
        await using var bouncer = await PgBouncerTestDatabase.RequireAsync(ct);
        await using var store = await PostgresGatewayStore.OpenAsync(bouncer.ConnectionString, cancellationToken: ct);
        var at = new DateTimeOffset(2026, 11, 28, 6, 0, 10, TimeSpan.Zero);
        await store.AddKeyAsync(new ApiKeyRecord { Id = "k1", Name = "k1", SecretHash = [1], CreatedAt = at }, ct);

        await Task.WhenAll(Enumerable.Range(0, 24).Select(writer => Task.Run(async () =>
        {
            for (int b = 0; b < 8; b++)
            {
                Assert.True((await store.TryTakeRequestAsync("k1", at, requestsPerMinute: 1_000_000, tokensPerMinute: null, ct)).Admitted);
                await store.RecordBatchAsync([.. Enumerable.Range(0, 4).Select(i => GatewayStoreContract.Sample($"P{writer:D2}{b}{i}", at, keyId: "k1"))], ct);
                Assert.NotNull(await store.GetAsync($"P{writer:D2}{b}0", ct));
            }
        }, ct)));

        Assert.Equal(24 * 8 * 4, await store.CountAsync(new InteractionQuery { Limit = 10_000 }, ct));
        Assert.Equal(24 * 8 + 1, (await store.TryTakeRequestAsync("k1", at, null, null, ct)).Requests);
    }

    [Fact]
    public async Task Instances_starting_together_migrate_once()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostgresGatewayStore.OpenAsync(_database!.ConnectionString)));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        // each migration recorded once, however many instances raced to apply it
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM schema_migrations", connection);
        Assert.Equal((long)PostgresMigrations.All.Count, (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task Two_instances_charging_the_same_keys_in_opposite_orders_never_deadlock()
    {
        // Each batch holds one record per key; the two instances list the keys in opposite orders. Usage rows updated in
        // record order lock k1 then k2 in one transaction and k2 then k1 in the other: PostgreSQL aborts one as a deadlock.
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using var first = await PostgresGatewayStore.OpenAsync(_database!.ConnectionString);
        await using var second = await PostgresGatewayStore.OpenAsync(_database.ConnectionString);
        foreach (var id in new[] { "k1", "k2" })
        {
            await first.AddKeyAsync(new ApiKeyRecord { Id = id, Name = id, SecretHash = [1, 2, 3], CreatedAt = at });
        }

        const int rounds = 150;
        for (int i = 0; i < rounds; i++)
        {
            await Task.WhenAll(
                Task.Run(async () => await first.RecordBatchAsync([Record($"A{i:D4}", "k1"), Record($"B{i:D4}", "k2")])),
                Task.Run(async () => await second.RecordBatchAsync([Record($"C{i:D4}", "k2"), Record($"D{i:D4}", "k1")])));
        }

        // every record charged exactly once: two per key per round, 19 tokens each
        Assert.Equal(2L * rounds * 19, (await first.GetKeyAsync("k1"))!.TokensUsed);
        Assert.Equal(2L * rounds * 19, (await first.GetKeyAsync("k2"))!.TokensUsed);

        Interaction Record(string id, string key) => GatewayStoreContract.Sample(id, at, keyId: key);
    }

    [Fact]
    public async Task Instances_admitting_at_once_share_one_per_minute_request_limit()
    {
        await using var first = await PostgresGatewayStore.OpenAsync(_database!.ConnectionString);
        await using var second = await PostgresGatewayStore.OpenAsync(_database.ConnectionString);
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 30, TimeSpan.Zero);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).TryTakeRequestAsync("k1", at, requestsPerMinute: 10, tokensPerMinute: null))));

        Assert.Equal(10, decisions.Count(d => d.Admitted));
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.True(d.RetryAfter >= TimeSpan.FromSeconds(1)));
        // refused requests are not counted: ten, not sixteen, are in the window
        Assert.Equal(11, (await first.TryTakeRequestAsync("k1", at, null, null)).Requests);
    }

    [Fact]
    public async Task The_previous_minutes_requests_count_by_the_part_still_inside_the_sliding_minute()
    {
        await using var store = await PostgresGatewayStore.OpenAsync(_database!.ConnectionString);
        var minute = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 10; i++)
        {
            Assert.True((await store.TryTakeRequestAsync("k1", minute.AddSeconds(59), 10, null)).Admitted);
        }

        Assert.False((await store.TryTakeRequestAsync("k1", minute.AddSeconds(59), 10, null)).Admitted);

        // half-way through the next minute the ten weigh five: five more fit
        var halfWay = minute.AddSeconds(90);
        var next = new List<bool>();
        for (int i = 0; i < 6; i++)
        {
            next.Add((await store.TryTakeRequestAsync("k1", halfWay, 10, null)).Admitted);
        }

        Assert.Equal([true, true, true, true, true, false], next);
    }

    [Fact]
    public async Task Tokens_recorded_with_interactions_count_against_the_shared_token_limit()
    {
        await using var store = await PostgresGatewayStore.OpenAsync(_database!.ConnectionString);
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 10, TimeSpan.Zero);
        await store.AddKeyAsync(new ApiKeyRecord { Id = "k1", Name = "k1", SecretHash = [1], CreatedAt = at });

        await store.AddKeyAsync(new ApiKeyRecord { Id = "unlimited", Name = "unlimited", SecretHash = [1], CreatedAt = at });
        Assert.True((await store.TryTakeRequestAsync("k1", at, null, tokensPerMinute: 38)).Admitted);

        // two interactions of 19 tokens each, answered 420 ms after they started
        await store.RecordBatchAsync([
            GatewayStoreContract.Sample("01A", at, keyId: "k1"), GatewayStoreContract.Sample("01B", at, keyId: "k1"),
            GatewayStoreContract.Sample("01C", at, keyId: "unlimited")]);

        var overLimit = await store.TryTakeRequestAsync("k1", at.AddSeconds(5), null, tokensPerMinute: 38);
        Assert.False(overLimit.Admitted);
        Assert.Equal(38, overLimit.Tokens);
        Assert.True((await store.TryTakeRequestAsync("k1", at.AddSeconds(5), null, tokensPerMinute: 39)).Admitted);

        // a key never admitted through the windows (no per-minute limit) leaves no rows behind
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var rows = new NpgsqlCommand("SELECT COUNT(*) FROM key_rate_windows WHERE key_id = 'unlimited'", connection);
        Assert.Equal(0L, (long)(await rows.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task A_database_from_a_newer_Tailor_is_refused_with_a_clear_message()
    {
        await (await PostgresGatewayStore.OpenAsync(_database!.ConnectionString)).DisposeAsync();
        await _database.ExecuteAsync($"INSERT INTO {_database.Schema}.schema_migrations VALUES (999, 'future', 0)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresGatewayStore.OpenAsync(_database.ConnectionString));
        Assert.Contains("version 999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable_not_an_error_about_the_request_and_the_password_is_not_in_the_message()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { Port = 1, Password = "hunter2-secret", Timeout = 2 }.ConnectionString;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => PostgresGatewayStore.OpenAsync(unreachable));

        Assert.Contains("postgres://127.0.0.1:1/", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
