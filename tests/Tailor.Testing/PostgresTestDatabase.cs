using Npgsql;

namespace Tailor.Testing;

/// <summary>
/// A private schema in the real PostgreSQL server named by <c>TAILOR_TEST_POSTGRES</c> (a connection string; <c>.ci/run</c>
/// installs and starts the server and sets it). Each instance creates a fresh schema and hands out a connection string
/// whose <c>Search Path</c> points at it, so tests never see each other's tables; disposing drops the schema.
/// </summary>
/// <remarks>Thread-safe to use; create one per test.</remarks>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable that names the test server.</summary>
    public const string Variable = "TAILOR_TEST_POSTGRES";

    /// <summary>What to tell a developer whose machine has no server configured.</summary>
    public const string MissingMessage =
        "these tests need a real PostgreSQL server: set TAILOR_TEST_POSTGRES to its connection string, " +
        "e.g. `export TAILOR_TEST_POSTGRES=\"$(.ci/start-postgres)\"` (installs the Debian package and starts a server on port 55432)";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string schema, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Schema = schema;
        ConnectionString = connectionString;
    }

    /// <summary>The server's connection string from the environment, or null when none is configured.</summary>
    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Whether this run must not skip PostgreSQL tests (CI sets <c>CI=true</c>).</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public string Schema { get; }

    /// <summary>Connects to the test server with this instance's schema first on the search path.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Creates a fresh schema, or ends the test when there is no server: skipped with instructions on a developer's machine,
    /// failed in CI (<see cref="Required"/>), where the PostgreSQL tests must run.
    /// </summary>
    public static async Task<PostgresTestDatabase> RequireAsync(CancellationToken cancellationToken = default)
    {
        return await CreateAsync(cancellationToken) ?? Missing<PostgresTestDatabase>(MissingMessage);
    }

    /// <summary>Ends a test whose server is not configured: a skip with <paramref name="message"/> locally, a failure in CI.</summary>
    public static T Missing<T>(string message)
    {
        if (Required)
        {
            Xunit.Assert.Fail("CI must run the PostgreSQL tests, but " + message);
        }

        Xunit.Assert.Skip(message);
        return default!;
    }

    /// <summary>Creates a fresh schema; null when <see cref="ServerConnectionString"/> is not set.</summary>
    public static async Task<PostgresTestDatabase?> CreateAsync(CancellationToken cancellationToken = default)
    {
        if (ServerConnectionString is not { } server)
        {
            return null;
        }

        string schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema };
        return new PostgresTestDatabase(server, schema, builder.ConnectionString);
    }

    /// <summary>Runs <paramref name="sql"/> as the server's admin connection (to stop backends, inspect tables).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
    }
}
