using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>
/// The gateway as a child process, killed with SIGKILL again and again under concurrent load: every response a client
/// received in full is in the store afterwards. <c>TAILOR_DURABILITY_CYCLES</c> raises the count
/// (<c>bench/scripts/gateway-soak.sh</c> runs 1,000).
/// </summary>
public sealed class DurabilityTests
{
    private static int Cycles(int standard) =>
        int.TryParse(Environment.GetEnvironmentVariable("TAILOR_DURABILITY_CYCLES"), out int n) && n > 0 ? n : standard;

    [Fact]
    public async Task Every_response_received_in_full_survives_repeated_SIGKILL_of_the_gateway_on_SQLite()
    {
        await using var harness = await DurabilityHarness.CreateAsync(seed: 20261127);
        int cycles = Cycles(50);
        for (int i = 0; i < cycles; i++)
        {
            await harness.RunCycleAsync(clients: 8, DurabilityHarness.SigKill, TestContext.Current.CancellationToken);
        }

        var (missing, stored) = await harness.VerifyAsync();

        Assert.Equal(cycles, harness.Cycles);
        Assert.True(harness.Acknowledged.Count >= cycles * 3, $"only {harness.Acknowledged.Count} responses went through in {cycles} cycles");
        Assert.True(stored >= harness.Acknowledged.Count);
        Assert.Empty(missing);
        TestContext.Current.SendDiagnosticMessage($"{cycles} SIGKILL cycles: {harness.Acknowledged.Count} responses received in full, all {harness.Acknowledged.Count} in the store ({stored} records in all)");
    }

    [Fact]
    public async Task Every_response_received_in_full_survives_repeated_SIGKILL_of_the_gateway_on_PostgreSQL()
    {
        await using var database = await PostgresTestDatabase.RequireAsync(TestContext.Current.CancellationToken);

        await using var harness = await DurabilityHarness.CreateAsync(seed: 7, database.ConnectionString);
        int cycles = Math.Max(10, Cycles(10) / 5);
        for (int i = 0; i < cycles; i++)
        {
            await harness.RunCycleAsync(clients: 8, DurabilityHarness.SigKill, TestContext.Current.CancellationToken);
        }

        var (missing, _) = await harness.VerifyAsync();
        Assert.True(harness.Acknowledged.Count >= cycles * 3);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task A_graceful_stop_finishes_requests_in_flight_and_writes_their_records_before_exiting()
    {
        await using var harness = await DurabilityHarness.CreateAsync(seed: 99);
        for (int i = 0; i < 3; i++)
        {
            await harness.RunCycleAsync(clients: 8, DurabilityHarness.SigTerm, TestContext.Current.CancellationToken);
        }

        var (missing, _) = await harness.VerifyAsync();
        Assert.Empty(missing);
        Assert.True(harness.Acknowledged.Count >= 9);
    }
}
