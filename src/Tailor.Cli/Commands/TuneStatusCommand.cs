using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune status [job]</c>: where a job stands, asked of its backend (so it works after the CLI that started it
/// exited): its details, the loss chart and the latest events. <c>--watch</c> follows it to the end and exits 1 when it
/// did not succeed.
/// </summary>
internal static class TuneStatusCommand
{
    public static Command Create(CliEnvironment env)
    {
        var job = TuneCommand.JobArgument();
        var watch = TuneCommand.WatchOption();
        var interval = TuneCommand.IntervalOption();
        var json = TuneCommand.JsonOption("the job");
        var command = new Command("status", "Where a tuning job stands: status, progress, loss chart, latest events; --watch follows it live");
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
                var current = (await workspace.Manager.RefreshAsync(resolved.Id, ct)).Job;
                if (parse.GetValue(watch))
                {
                    return await TuneWatch.FollowAsync(workspace, current, every, parse.GetValue(json), ct);
                }

                await TuneViews.WriteAsync(workspace, current, parse.GetValue(json), ct);
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
