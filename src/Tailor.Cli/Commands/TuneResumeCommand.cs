using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune resume [job]</c>: continues a stopped job: an interrupted or cancelled local job from its last
/// checkpoint, a paused OpenAI job, a Mistral job validated without auto start.
/// </summary>
internal static class TuneResumeCommand
{
    public static Command Create(CliEnvironment env)
    {
        var watch = TuneCommand.WatchOption();
        return TuneCommand.JobCommand(env, "resume", "Continue a stopped job: a local one from its last checkpoint, a paused or validated hosted one", "the job", follows: true,
            async call =>
            {
                var resumed = (await call.Workspace.Manager.ResumeAsync(call.Job.Id, call.Ct)).Job;
                if (call.Parse.GetValue(watch))
                {
                    return await TuneWatch.FollowAsync(call.Workspace, resumed, call.Interval, call.Json, call.Ct);
                }

                if (call.Json)
                {
                    env.WriteRawLine(JsonSerializer.Serialize(TuneViews.Json(resumed), CliJson.Indented));
                }
                else
                {
                    env.Out.MarkupLine($"resumed [bold]{Markup.Escape(resumed.Id)}[/]: {TuneViews.Status(resumed.Status)}");
                    env.Out.MarkupLine($"[grey]follow it:[/] tailor tune status {Markup.Escape(resumed.Id)} --watch");
                }

                return ExitCodes.Ok;
            }, watch);
    }
}
