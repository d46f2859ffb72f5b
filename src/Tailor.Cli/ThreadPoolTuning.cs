namespace Tailor.Cli;

/// <summary>Thread-pool settings per command, applied before the pool starts (it reads them once, when created).</summary>
internal static class ThreadPoolTuning
{
    private const string SpinLimit = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>
    /// The CLI's workers block at once when idle (spin limit 0 in Tailor.Cli.csproj): an eval run waiting on a slow model
    /// burns a quarter less CPU. <c>tailor serve</c> gets the runtime's default back: a request hops between workers
    /// several times, and a worker that spins briefly picks up the next hop without being woken (measured at one
    /// connection: ~1,750 to ~2,030 req/s, p50 0.50 to 0.44 ms; bench/results/gateway.md).
    /// </summary>
    public static void ForCommand(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve")
        {
            AppContext.SetData(SpinLimit, "70");
        }
    }
}
