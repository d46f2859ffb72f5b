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
        var job = TuneCommand.JobArgument();
        var watch = TuneCommand.WatchOption();
        var interval = TuneCommand.IntervalOption();
        var json = TuneCommand.JsonOption("the job");
        var command = new Command("resume", "Continue a stopped job: a local one from its last checkpoint, a paused or validated hosted one");
        command.Arguments.Add(job);
        command.Options.Add(watch);
        command.Options.Add(interval);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var every = TuneWorkspace.ParseInterval(parse.GetValue(interval)!, "--interval");
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var resolved = await workspace.Manager.ResolveAsync(parse.GetValue(job), ct);
                var resumed = (await workspace.Manager.ResumeAsync(resolved.Id, ct)).Job;
                if (parse.GetValue(watch))
                {
                    return await TuneWatch.FollowAsync(workspace, resumed, every, parse.GetValue(json), ct);
                }

                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(TuneViews.Json(resumed), CliJson.Indented));
                }
                else
                {
                    env.Out.MarkupLine($"resumed [bold]{Markup.Escape(resumed.Id)}[/]: {TuneViews.Status(resumed.Status)}");
                    env.Out.MarkupLine($"[grey]follow it:[/] tailor tune status {Markup.Escape(resumed.Id)} --watch");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
