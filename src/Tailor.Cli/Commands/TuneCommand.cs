using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor tune ...</c>: tuning jobs on the local trainer or a hosted fine-tuning API, and exports for external trainers.</summary>
internal static class TuneCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("tune", "Tuning jobs: start one (local trainer, Mistral or OpenAI), follow it, cancel or resume it; export for external trainers");
        command.Subcommands.Add(TuneStartCommand.Create(env));
        command.Subcommands.Add(TuneStatusCommand.Create(env));
        command.Subcommands.Add(TuneListCommand.Create(env));
        command.Subcommands.Add(TuneLogsCommand.Create(env));
        command.Subcommands.Add(TuneCancelCommand.Create(env));
        command.Subcommands.Add(TuneResumeCommand.Create(env));
        command.Subcommands.Add(TuneExportCommand.Create(env));
        return command;
    }

    /// <summary>The job argument the verbs share: an id, a unique prefix, or <c>latest</c> (the default).</summary>
    public static Argument<string?> JobArgument() => new("job")
    {
        Description = "A job id, a unique prefix of one, or 'latest' (the default)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<bool> WatchOption() => new("--watch", "-w") { Description = "Follow the job until it ends, with a live loss chart on a terminal" };

    public static Option<string> IntervalOption() => new("--interval") { Description = "How often to ask for news: 2s, 500ms, 1m", DefaultValueFactory = _ => "2s" };

    public static Option<bool> JsonOption(string what) => new("--json") { Description = $"Print {what} as JSON" };
}
