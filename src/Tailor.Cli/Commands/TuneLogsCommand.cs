using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune logs [job]</c>: every event of a job in order (status changes, vendor messages, checkpoints,
/// validations); <c>--follow</c> prints new ones as they come until the job ends. <c>--json</c>: one JSON object a line.
/// </summary>
internal static class TuneLogsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var job = TuneCommand.JobArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events until the job ends" };
        var interval = TuneCommand.IntervalOption();
        var json = TuneCommand.JsonOption("one event per line");
        var command = new Command("logs", "A tuning job's events; --follow prints new ones until it ends");
        command.Arguments.Add(job);
        command.Options.Add(follow);
        command.Options.Add(interval);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var every = TuneWorkspace.ParseInterval(parse.GetValue(interval)!, "--interval");
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var resolved = await workspace.Manager.ResolveAsync(parse.GetValue(job), ct);
                bool asJson = parse.GetValue(json);
                long last = 0;
                async Task PrintNewAsync(CancellationToken token)
                {
                    await foreach (var e in workspace.Store.ReadEventsAsync(resolved.Id, last, token))
                    {
                        last = e.Sequence;
                        if (asJson)
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

                if (!parse.GetValue(follow))
                {
                    await workspace.Manager.RefreshAsync(resolved.Id, ct);
                    await PrintNewAsync(ct);
                    return ExitCodes.Ok;
                }

                try
                {
                    var final = await workspace.Manager.WatchAsync(resolved.Id, every, (_, token) => PrintNewAsync(token), cancellationToken: ct);
                    return TuneWatch.ExitCode(final);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    env.Error.MarkupLine($"[yellow]stopped following[/]; the job keeps running: tailor tune logs {Markup.Escape(resolved.Id)} --follow");
                    return 130;
                }
            });
        });
        return command;
    }
}
