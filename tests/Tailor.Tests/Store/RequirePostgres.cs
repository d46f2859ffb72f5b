using Tailor.Testing;

namespace Tailor.Tests.Store;

/// <summary>Opens a test schema on the real PostgreSQL server; skips with instructions locally, fails in CI, when there is none.</summary>
internal static class RequirePostgres
{
    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var database = await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        if (database is not null)
        {
            return database;
        }

        if (PostgresTestDatabase.Required)
        {
            Assert.Fail("CI must run the PostgreSQL tests, but " + PostgresTestDatabase.MissingMessage);
        }

        Assert.Skip(PostgresTestDatabase.MissingMessage);
        return null!;
    }
}
