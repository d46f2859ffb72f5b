using Npgsql;
using Tailor.Store;
using Tailor.Store.Postgres;
using Tailor.Testing;

namespace Tailor.Tests.Store;

/// <summary>The store contract against a real PostgreSQL server (<c>TAILOR_TEST_POSTGRES</c>), each test in its own schema.</summary>
public sealed class PostgresGatewayStoreTests : GatewayStoreContract
{
    private PostgresTestDatabase? _database;

    public override async ValueTask InitializeAsync() => _database = await RequirePostgres.CreateAsync();

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
