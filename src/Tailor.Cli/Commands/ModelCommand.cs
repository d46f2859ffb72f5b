using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor model ...</c>: local GGUF models: inspect and create.</summary>
internal static class ModelCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("model", "Local GGUF models: inspect one, create a tiny one");
        command.Subcommands.Add(ModelInfoCommand.Create(env));
        command.Subcommands.Add(ModelCreateCommand.Create(env));
        return command;
    }
}
