using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor model ...</c>: local GGUF models: inspect, create, pretrain and fine-tune.</summary>
internal static class ModelCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("model", "Local GGUF models: inspect one, create a tiny one, train one");
        command.Subcommands.Add(ModelInfoCommand.Create(env));
        command.Subcommands.Add(ModelCreateCommand.Create(env));
        command.Subcommands.Add(ModelTrainCommand.CreatePretrain(env));
        command.Subcommands.Add(ModelTrainCommand.CreateFinetune(env));
        return command;
    }
}
