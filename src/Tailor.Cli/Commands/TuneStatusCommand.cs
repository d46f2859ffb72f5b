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
        var watch = TuneCommand.WatchOption();
        return TuneCommand.JobCommand(env, "status", "Where a tuning job stands: status, progress, loss chart, latest events; --watch follows it live", "the job", follows: true,
            async call =>
            {
                var current = (await call.Workspace.Manager.RefreshAsync(call.Job.Id, call.Ct)).Job;
                if (call.Parse.GetValue(watch))
                {
                    return await TuneWatch.FollowAsync(call.Workspace, current, call.Interval, call.Json, call.Ct);
                }

                await TuneViews.WriteAsync(call.Workspace, current, call.Json, call.Ct);
                return ExitCodes.Ok;
            }, watch);
    }
}
