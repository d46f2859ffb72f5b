using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor data ...</c>: prepare tuning datasets: validate, convert, stats, tokens, dedup, decontaminate, split, mix, export from logs.</summary>
internal static class DataCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("data", "Prepare tuning datasets: validate, convert, measure, deduplicate, decontaminate, split, mix, export from logs, scan for personal data");
        command.Subcommands.Add(DataValidateCommand.Create(env));
        command.Subcommands.Add(DataConvertCommand.Create(env));
        command.Subcommands.Add(DataStatsCommand.Create(env));
        command.Subcommands.Add(DataTokensCommand.Create(env));
        command.Subcommands.Add(DataDedupCommand.Create(env));
        command.Subcommands.Add(DataDecontaminateCommand.Create(env));
        command.Subcommands.Add(DataSplitCommand.Create(env));
        command.Subcommands.Add(DataMixCommand.Create(env));
        command.Subcommands.Add(DataExportLogsCommand.Create(env));
        command.Subcommands.Add(DataScanCommand.Create(env));
        return command;
    }
}
