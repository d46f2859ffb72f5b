using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor spec ...</c>: check the application spec and show what covers each objective and policy.</summary>
internal static class SpecCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("spec", "Check tailor.yaml and its traceability");
        command.Subcommands.Add(SpecCheckCommand.Create(env));
        command.Subcommands.Add(SpecCoverageCommand.Create(env));
        return command;
    }
}
