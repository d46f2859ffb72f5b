using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune list</c>: the jobs, newest first. Jobs still under way are asked of their backend first, so the list
/// shows where they stand now; a backend that cannot be reached leaves the stored status (and says so).
/// </summary>
internal static class TuneListCommand
{
    public static Command Create(CliEnvironment env)
    {
        var backend = TuneCommand.BackendOption("Only jobs on this backend");
        var status = new Option<string[]>("--status") { Description = "Only jobs in these statuses (running, succeeded, failed, ...)", AllowMultipleArgumentsPerToken = true };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 20 };
        var json = TuneCommand.JsonOption("the jobs");
        var command = new Command("list", "List tuning jobs, newest first");
        command.Options.Add(backend);
        command.Options.Add(status);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var statuses = parse.GetValue(status) is { Length: > 0 } names ? names.Select(ParseStatus).ToList() : null;
            if (parse.GetValue(limit) < 1)
            {
                throw new CliException("--limit must be at least 1");
            }

            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var jobs = new List<TuningJob>();
                await foreach (var job in workspace.Store.ListJobsAsync(new TuningJobQuery { Backend = parse.GetValue(backend), Limit = parse.GetValue(limit) }, ct))
                {
                    jobs.Add(job);
                }

                for (int i = 0; i < jobs.Count; i++)
                {
                    jobs[i] = await RefreshedAsync(workspace, jobs[i], ct);
                }

                // filtered after the refresh, so a job that just finished is listed under its new status
                jobs = [.. jobs.Where(j => statuses is null || statuses.Contains(j.Status))];
                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(jobs.Select(TuneViews.Json), CliJson.Indented));
                    return ExitCodes.Ok;
                }

                if (jobs.Count == 0)
                {
                    env.Out.MarkupLine("no tuning jobs" + (statuses is null && parse.GetValue(backend) is null ? "; start one with [bold]tailor tune start[/]" : " match"));
                    return ExitCodes.Ok;
                }

                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumn("job").AddColumn("backend").AddColumn("status").AddColumn("base").AddColumn(new TableColumn("step").RightAligned()).AddColumn("model").AddColumn("created");
                foreach (var job in jobs)
                {
                    table.AddRow(Markup.Escape(job.Id), Markup.Escape(job.Backend), TuneViews.Status(job.Status), Markup.Escape(job.Request.BaseModel),
                        Markup.Escape(TuneViews.Progress(job)), Markup.Escape(job.RegisteredModelId ?? ""),
                        job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
                }

                env.Out.Write(table);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static TuningJobStatus ParseStatus(string name)
    {
        try
        {
            return TuningJobStatusExtensions.ParseName(name);
        }
        catch (InvalidDataException)
        {
            throw new CliException($"--status: unknown status '{name}'",
                "the statuses are: " + string.Join(", ", Enum.GetValues<TuningJobStatus>().Select(s => s.ToName())));
        }
    }

    private static async Task<TuningJob> RefreshedAsync(TuneWorkspace workspace, TuningJob job, CancellationToken ct)
    {
        if (job.Status.IsFinal())
        {
            return job;
        }

        try
        {
            return (await workspace.Manager.RefreshAsync(job.Id, ct)).Job;
        }
        catch (TuningException e)
        {
            workspace.Env.Error.MarkupLine($"[yellow]note:[/] {Markup.Escape(job.Id)}: {Markup.Escape(e.Message)}; showing its last known status");
            return job;
        }
    }
}
