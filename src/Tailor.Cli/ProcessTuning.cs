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

    /// <summary>
    /// For <c>tailor serve</c>: idle thread-pool workers spin briefly again (the runtime's default; the other commands
    /// block at once, see Tailor.Cli.csproj), so a request's hops between workers need no wake-up; and socket operations
    /// complete on the I/O thread, which with the gateway's inline scheduling serves a request without handing it to the
    /// pool at all. Measured on one core at 16 connections: ~7,200 req/s without either, ~10,500 with both, and ~1,750
    /// to ~2,050 req/s at one connection from spinning (bench/results/gateway.md, run 9).
    /// </summary>
    public static void ForCommand(string[] args)
    {
        var settings = For(args);
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
    internal static (string? SpinLimit, bool InlineSocketCompletions) For(string[] args) =>
        args.Length > 0 && args[0] == "serve" ? ("70", !args.Contains(NoInlineScheduling)) : (null, false);
}
