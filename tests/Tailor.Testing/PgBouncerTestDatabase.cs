using Npgsql;

namespace Tailor.Testing;

/// <summary>
/// A fresh database on the test PostgreSQL server (<see cref="PostgresTestDatabase.Variable"/>), reached through the PgBouncer
/// in transaction mode named by <c>TAILOR_TEST_PGBOUNCER</c> (<c>.ci/start-pgbouncer</c>). A database rather than a
/// schema: PgBouncer refuses the <c>search_path</c> a schema would need at connection start. Disposing drops it.
/// </summary>
public sealed class PgBouncerTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable that names the pooler (a connection string without a database).</summary>
    public const string Variable = "TAILOR_TEST_PGBOUNCER";

    private const string MissingMessage =
        "this test needs PgBouncer in transaction mode before the test server: set TAILOR_TEST_PGBOUNCER, " +
        "e.g. `export TAILOR_TEST_PGBOUNCER=\"$(.ci/start-pgbouncer)\"` (with TAILOR_TEST_POSTGRES from .ci/start-postgres)";

    private readonly string _server;
    private readonly string _name;

    private PgBouncerTestDatabase(string server, string name, string connectionString)
    {
        _server = server;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Connects through the pooler to this instance's database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the database, or ends the test: skipped without a pooler on a developer's machine, failed in CI.</summary>
    public static async Task<PgBouncerTestDatabase> RequireAsync(CancellationToken cancellationToken = default)
    {
        if (PostgresTestDatabase.ServerConnectionString is not { } server
            || Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } pooler)
        {
            return PostgresTestDatabase.Missing<PgBouncerTestDatabase>(MissingMessage);
        }

        string name = "tb_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new PgBouncerTestDatabase(server, name, new NpgsqlConnectionStringBuilder(pooler) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        // The pooler still holds server connections to it.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
