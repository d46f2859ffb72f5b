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
    internal const string CallCountThreshold = "DOTNET_TC_CallCountThreshold";

    private static readonly KeyValuePair<string, string>[] ServerRuntime = [new(TieredPgo, "1"), new(CallCountThreshold, "30")];

    /// <summary>
    /// For <c>tailor serve</c>: idle thread-pool workers spin briefly again (the runtime's default; the other commands
    /// block at once, see Tailor.Cli.csproj), so a request's hops between workers need no wake-up; and socket operations
    /// complete on the I/O thread, which with the gateway's inline scheduling serves a request without handing it to the
    /// pool at all. Measured on one core at 16 connections: ~7,200 req/s without either, ~10,500 with both, and ~1,750
    /// to ~2,050 req/s at one connection from spinning (bench/results/gateway.md, run 9).
    /// </summary>
    /// <remarks>
    /// <c>tailor serve</c> also runs with the JIT settings of a long-lived server, which the CLI's short commands do not
    /// want (see Tailor.Cli.csproj): dynamic PGO (10-20% more requests/s at one connection on one core, 10-12% at 16;
    /// bench/results/gateway.md, run 16) and the runtime's own re-compilation threshold of 30 calls instead of 3,000 (a
    /// fresh gateway at ~10 requests/s answered with p50 2.1-2.3 ms for its first three minutes with 3,000, 1.4-1.7 ms
    /// from its second 20 s with 30). The runtime reads both only at start-up, so on Linux the process starts over in
    /// place with them in its environment (<see cref="ProcessRestart"/>); a value the user set is kept.
    /// </remarks>
    public static void ForCommand(string[] args)
    {
        var settings = For(args);
        var missing = settings.RuntimeEnvironment.Where(v => Environment.GetEnvironmentVariable(v.Key) is null).ToList();
        if (missing.Count > 0)
        {
            // Returns only when the process cannot start over; it then runs with the CLI's settings, as before.
            ProcessRestart.WithEnvironment(missing);
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
    internal static (string? SpinLimit, bool InlineSocketCompletions, IReadOnlyList<KeyValuePair<string, string>> RuntimeEnvironment) For(string[] args) =>
        CommandOf(args) == "serve" ? ("70", !args.Contains(NoInlineScheduling), ServerRuntime) : (null, false, []);

    /// <summary>
    /// The subcommand the arguments name: the first one that is not the root's <c>--project</c> option or its value
    /// (<c>tailor -p app serve</c> serves too). This runs before the command line is parsed, so it reads the few
    /// forms that option takes itself; an option added to the root command must be added here as well (a test in
    /// ProcessTuningTests fails until it is).
    /// </summary>
    internal static string? CommandOf(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--project" or "-p")
            {
                i++; // its value
                continue;
            }

            if (IsProjectWithValue(arg, "--project") || IsProjectWithValue(arg, "-p"))
            {
                continue;
            }

            return arg;
        }

        return null;
    }

    private static bool IsProjectWithValue(string arg, string name) =>
        arg.Length > name.Length + 1 && arg.StartsWith(name, StringComparison.Ordinal) && arg[name.Length] is '=' or ':';
}
