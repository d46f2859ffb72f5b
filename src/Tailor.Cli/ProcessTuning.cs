namespace Tailor.Cli;

/// <summary>
/// Process-wide runtime settings that depend on the command. Each is read once by the runtime (the thread pool when it
/// is created, the socket engine when the first socket completes), so they are set first thing in <c>Main</c>.
/// </summary>
internal static class ProcessTuning
{
    /// <summary>The <c>tailor serve</c> flag that keeps all request work on the thread pool.</summary>
    public const string NoInlineScheduling = "--no-inline-scheduling";

    internal const string SpinLimit = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";
    internal const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    internal const string TieredPgo = "DOTNET_TieredPGO";

    /// <summary>
    /// For <c>tailor serve</c>: idle thread-pool workers spin briefly again (the runtime's default; the other commands
    /// block at once, see Tailor.Cli.csproj), so a request's hops between workers need no wake-up; and socket operations
    /// complete on the I/O thread, which with the gateway's inline scheduling serves a request without handing it to the
    /// pool at all. Measured on one core at 16 connections: ~7,200 req/s without either, ~10,500 with both, and ~1,750
    /// to ~2,050 req/s at one connection from spinning (bench/results/gateway.md, run 9).
    /// </summary>
    /// <remarks>
    /// <c>tailor serve</c> also runs with dynamic PGO (the instrumented JIT tier the other commands leave off, see
    /// Tailor.Cli.csproj): a gateway runs for days, and re-compiling its hot methods with their profile repays itself.
    /// Measured side by side on one core: 10-20% more requests/s at one connection, 10-12% at 16 (bench/results/gateway.md,
    /// run 16). The runtime reads the setting only at start-up, so on Linux the process starts over with
    /// <c>DOTNET_TieredPGO=1</c> (see <see cref="ProcessRestart"/>); <c>DOTNET_TieredPGO=0</c> keeps it off.
    /// </remarks>
    public static void ForCommand(string[] args)
    {
        var settings = For(args);
        if (settings.DynamicPgo && Environment.GetEnvironmentVariable(TieredPgo) is null)
        {
            // Returns only when the process cannot start over; it then serves without the profile, as before.
            ProcessRestart.WithEnvironment(TieredPgo, "1");
        }

        if (settings.SpinLimit is { } limit)
        {
            AppContext.SetData(SpinLimit, limit);
        }

        if (settings.InlineSocketCompletions && Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
        }
    }

    /// <summary>What <see cref="ForCommand"/> sets for these arguments (null or false: the CLI's own defaults stay).</summary>
    internal static (string? SpinLimit, bool InlineSocketCompletions, bool DynamicPgo) For(string[] args) =>
        args.Length > 0 && args[0] == "serve" ? ("70", !args.Contains(NoInlineScheduling), true) : (null, false, false);
}
