using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor eval ...</c>: run suites, compare runs, check gates, write reports, manage human ratings.</summary>
internal static class EvalCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("eval", "Run eval suites, compare runs, check release gates, report, rate");
        command.Subcommands.Add(EvalRunCommand.Create(env));
        command.Subcommands.Add(EvalCompareCommand.Create(env));
        command.Subcommands.Add(EvalGateCommand.Create(env));
        command.Subcommands.Add(EvalReportCommand.Create(env));
        command.Subcommands.Add(EvalListCommand.Create(env));
        command.Subcommands.Add(EvalRatingsCommand.Create(env));
        return command;
    }
}
