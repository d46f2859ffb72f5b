using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor moderation ...</c>: check a text, measure classifiers on labelled data, train the local classifier.</summary>
internal static class ModerationCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("moderation", "The moderation layer: check a text, evaluate classifiers on labelled data, train the local classifier");
        command.Subcommands.Add(ModerationCheckCommand.Create(env));
        command.Subcommands.Add(ModerationEvalCommand.Create(env));
        command.Subcommands.Add(ModerationTrainCommand.Create(env));
        return command;
    }
}
