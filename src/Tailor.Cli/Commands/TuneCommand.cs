using System.CommandLine;
using Tailor.Local.Tuning;
using Tailor.Tuning;
using Tailor.Tuning.Backends.Mistral;
using Tailor.Tuning.Backends.OpenAI;

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

    public static Option<bool> WatchOption() => new("--watch", "-w") { Description = "Follow the job until it ends, with a live loss chart on a terminal" };

    public static Option<string?> IntervalOption() => new("--interval") { Description = "How often to ask for news: 2s, 500ms, 1m (default 2s on this machine, 15s at a vendor)" };

    public static Option<bool> JsonOption(string what) => new("--json") { Description = $"Print {what} as JSON" };

    public static Option<string?> BackendOption(string description)
    {
        var backend = new Option<string?>("--backend", "-b") { Description = description };
        backend.AcceptOnlyFromAmong(LocalTuningBackend.BackendName, MistralTuningBackend.BackendName, OpenAITuningBackend.BackendName);
        return backend;
    }

    /// <summary>What a verb on one job gets: the workspace, the command line, the job it names, the polling interval, --json.</summary>
    public sealed record JobCall(TuneWorkspace Workspace, ParseResult Parse, TuningJob Job, TimeSpan Interval, bool Json, CancellationToken Ct);

    /// <summary>
    /// A verb on one job (<c>status</c>, <c>logs</c>, <c>cancel</c>, <c>resume</c>): the optional job argument (an id, a unique
    /// prefix, or <c>latest</c>), <c>--interval</c> when it can follow the job, <c>--json</c>, and <paramref name="options"/>;
    /// the job is resolved in the project's store and tuning failures become exit codes.
    /// </summary>
    public static Command JobCommand(CliEnvironment env, string name, string description, string jsonWhat, bool follows, Func<JobCall, Task<int>> action, params Option[] options)
    {
        var job = new Argument<string?>("job") { Description = "A job id, a unique prefix of one, or 'latest' (the default)", Arity = ArgumentArity.ZeroOrOne };
        var interval = IntervalOption();
        var json = JsonOption(jsonWhat);
        var command = new Command(name, description);
        command.Arguments.Add(job);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        if (follows)
        {
            command.Options.Add(interval);
        }

        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var every = follows ? TuneWorkspace.ParseInterval(parse.GetValue(interval)) : null;
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var resolved = await workspace.Manager.ResolveAsync(parse.GetValue(job), ct);
                return await action(new JobCall(workspace, parse, resolved, every ?? TuneWorkspace.DefaultInterval(resolved.Backend), parse.GetValue(json), ct));
            });
        });
        return command;
    }
}
