using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune logs [job]</c>: every event of a job in order (status changes, vendor messages, checkpoints,
/// validations); <c>--follow</c> prints new ones as they come until the job ends. <c>--json</c>: one JSON object a line.
/// </summary>
internal static class TuneLogsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events until the job ends" };
        return TuneCommand.JobCommand(env, "logs", "A tuning job's events; --follow prints new ones until it ends", "one event per line", follows: true,
            async call =>
            {
                var (workspace, id, ct) = (call.Workspace, call.Job.Id, call.Ct);
                long last = 0;
                async Task PrintNewAsync(CancellationToken token)
                {
                    await foreach (var e in workspace.Store.ReadEventsAsync(id, last, token))
                    {
                        last = e.Sequence;
                        if (call.Json)
                        {
                            env.WriteRawLine(JsonSerializer.Serialize(new
                            {
                                e.Sequence, e.At, Level = e.Level.ToString().ToLowerInvariant(), e.Kind, e.Message,
                                Data = e.DataJson is { } data ? JsonDocument.Parse(data).RootElement : (JsonElement?)null,
                            }, CliJson.Compact));
                        }
                        else
                        {
                            env.Out.MarkupLine(TuneViews.EventLine(e));
                        }
                    }
                }

                if (!call.Parse.GetValue(follow))
                {
                    await workspace.Manager.RefreshAsync(id, ct);
                    await PrintNewAsync(ct);
                    return ExitCodes.Ok;
                }

                try
                {
                    var final = await workspace.Manager.WatchAsync(id, call.Interval, (_, token) => PrintNewAsync(token), cancellationToken: ct);
                    return TuneWatch.ExitCode(final);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    env.Error.MarkupLine($"[yellow]stopped following[/]; the job keeps running: tailor tune logs {Markup.Escape(id)} --follow");
                    return 130;
                }
            }, follow);
    }
}
