using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor tune cancel [job]</c>: asks the job's backend to stop it (a local job stops after writing a checkpoint).</summary>
internal static class TuneCancelCommand
{
    public static Command Create(CliEnvironment env) => TuneCommand.JobCommand(env, "cancel",
        "Stop a tuning job (a local one writes a checkpoint first, so 'tune resume' can continue it)", "the job after the request", follows: false,
        async call =>
        {
            var after = (await call.Workspace.Manager.CancelAsync(call.Job.Id, call.Ct)).Job;
            if (call.Json)
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
}
