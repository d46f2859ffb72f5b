using System.Globalization;
using Spectre.Console;
using Tailor.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// Follows a job until it ends (or waits for someone): on a terminal a live view with the loss chart and the latest
/// events; otherwise a bounded number of lines (status changes, vendor messages, warnings, and about ten progress
/// lines however long the run). Either way on standard error, so <c>--json</c> output stays clean.
/// </summary>
internal static class TuneWatch
{
    private const int ProgressLines = 10;

    /// <summary>
    /// Watches <paramref name="job"/>, then prints it as it ended (its details, or its JSON with <paramref name="json"/>)
    /// and returns the exit code for it. Ctrl+C stops the watching, never the job (exit 130).
    /// </summary>
    public static async Task<int> FollowAsync(TuneWorkspace workspace, TuningJob job, TimeSpan interval, bool json, CancellationToken ct)
    {
        TuningJob final;
        try
        {
            final = await RunAsync(workspace, job, interval, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            workspace.Env.Error.MarkupLine($"[yellow]stopped watching[/]; the job keeps running: tailor tune status {Markup.Escape(job.Id)} --watch");
            return 130;
        }

        await TuneViews.WriteAsync(workspace, final, json, CancellationToken.None);
        return ExitCode(final);
    }

    /// <summary>Watches <paramref name="job"/>; returns it as it stands at the end.</summary>
    public static async Task<TuningJob> RunAsync(TuneWorkspace workspace, TuningJob job, TimeSpan interval, CancellationToken ct)
    {
        var console = workspace.Env.Error;
        return console.Profile.Capabilities.Interactive
            ? await LiveAsync(workspace, job, interval, ct)
            : await LinesAsync(workspace, job, interval, ct);
    }

    /// <summary>0 when the job succeeded or waits for someone (paused, validated); 1 when it failed, was cancelled or interrupted.</summary>
    public static int ExitCode(TuningJob job) =>
        job.Status is TuningJobStatus.Failed or TuningJobStatus.Cancelled or TuningJobStatus.Interrupted ? ExitCodes.CheckFailed : ExitCodes.Ok;

    private static async Task<TuningJob> LiveAsync(TuneWorkspace workspace, TuningJob job, TimeSpan interval, CancellationToken ct)
    {
        var recent = new List<TuningEvent>();
        IReadOnlyList<TuningMetric> metrics = await workspace.Store.ReadMetricsAsync(job.Id, ct);
        int? shownStep = job.Step;
        TuningJob final = job;
        await workspace.Env.Error.Live(TuneViews.Live(job, metrics, recent)).StartAsync(async context =>
        {
            final = await workspace.Manager.WatchAsync(job.Id, interval, async (refresh, token) =>
            {
                recent.AddRange(refresh.NewEvents.Where(Shown));
                if (refresh.Job.Step != shownStep || refresh.NewEvents.Count > 0)
                {
                    metrics = await workspace.Store.ReadMetricsAsync(job.Id, token);
                    shownStep = refresh.Job.Step;
                }

                context.UpdateTarget(TuneViews.Live(refresh.Job, metrics, recent));
                context.Refresh();
            }, cancellationToken: ct);
        });
        return final;
    }

    private static async Task<TuningJob> LinesAsync(TuneWorkspace workspace, TuningJob job, TimeSpan interval, CancellationToken ct)
    {
        var console = workspace.Env.Error;
        TuningJobStatus? status = null;
        int printed = 0;
        return await workspace.Manager.WatchAsync(job.Id, interval, async (refresh, token) =>
        {
            foreach (var e in refresh.NewEvents.Where(Shown))
            {
                console.MarkupLine(TuneViews.EventLine(e));
            }

            var current = refresh.Job;
            if (current.Status != status)
            {
                status = current.Status;
                console.MarkupLine($"[grey]{Markup.Escape(current.UpdatedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture))}[/] status {TuneViews.Status(current.Status)}");
            }

            // a line each time the run passes another tenth of its steps
            if (current is { Step: { } step, TotalSteps: { } total and > 0 } && step * ProgressLines / total > printed)
            {
                printed = step * ProgressLines / total;
                var metrics = await workspace.Store.ReadMetricsAsync(current.Id, token);
                string train = metrics.LastOrDefault(m => m.TrainLoss is not null)?.TrainLoss is { } t ? string.Create(CultureInfo.InvariantCulture, $"  loss {t:0.0000}") : "";
                string valid = metrics.LastOrDefault(m => m.ValidLoss is not null)?.ValidLoss is { } v ? string.Create(CultureInfo.InvariantCulture, $"  validation loss {v:0.0000}") : "";
                console.MarkupLine(Markup.Escape($"step {step}/{total}{train}{valid}"));
            }
        }, cancellationToken: ct);
    }

    /// <summary>What a watcher prints: status changes, vendor messages, results, and anything not plain info; not every metric or checkpoint.</summary>
    private static bool Shown(TuningEvent e) => e.Level != TuningEventLevel.Info || e.Kind is "status" or "message" or "result";
}
