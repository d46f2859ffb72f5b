using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor tune cancel [job]</c>: asks the job's backend to stop it (a local job stops after writing a checkpoint).</summary>
internal static class TuneCancelCommand
{
    public static Command Create(CliEnvironment env)
    {
        var job = TuneCommand.JobArgument();
        var json = TuneCommand.JsonOption("the job after the request");
        var command = new Command("cancel", "Stop a tuning job (a local one writes a checkpoint first, so 'tune resume' can continue it)");
        command.Arguments.Add(job);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var resolved = await workspace.Manager.ResolveAsync(parse.GetValue(job), ct);
                var after = (await workspace.Manager.CancelAsync(resolved.Id, ct)).Job;
                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(TuneViews.Json(after), CliJson.Indented));
                }
                else
                {
                    env.Out.MarkupLine($"cancellation requested: [bold]{Markup.Escape(after.Id)}[/] is {TuneViews.Status(after.Status)}");
                    env.Out.MarkupLine($"[grey]see it stop:[/] tailor tune status {Markup.Escape(after.Id)} --watch");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
