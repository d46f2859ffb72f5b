using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using Tailor.Data.Tokens;
using Tailor.Data.Validation;
using Tailor.Tuning;
using Tailor.Tuning.Preflight;

namespace Tailor.Cli.Commands;

/// <summary>How tuning jobs look on screen and in <c>--json</c>: status tables, events, pre-flight findings, estimates, the loss chart.</summary>
internal static class TuneViews
{
    private const int RecentEvents = 5;

    public static object Json(TuningJob job) => new
    {
        job.Id,
        job.Backend,
        Status = job.Status.ToName(),
        job.VendorStatus,
        job.Request.BaseModel,
        job.ExternalId,
        job.Step,
        job.TotalSteps,
        job.TrainedTokens,
        job.CreatedAt,
        job.UpdatedAt,
        job.StartedAt,
        job.FinishedAt,
        job.Error,
        ModelId = job.RegisteredModelId,
        Output = job.Output is { } o ? new { Kind = o.Kind.ToString().ToLowerInvariant(), o.Reference, o.BaseReference, o.Provider, o.Sha256, o.Bytes } : null,
        Estimate = job.Estimate is { } e ? Json(e) : null,
        Data = job.Request.TrainingFiles.Concat(job.Request.ValidationFiles).Select(f => new
        {
            f.Path, Role = f.Role.ToString().ToLowerInvariant(), f.Weight, f.Sha256, f.Examples, f.Rejected,
        }),
        job.Request.Hyperparameters,
        job.WorkDirectory,
    };

    public static object Json(CostEstimate estimate) => new
    {
        DurationSeconds = estimate.Duration?.TotalSeconds,
        estimate.Cost,
        estimate.Currency,
        estimate.Basis,
    };

    /// <summary>Pre-flight's findings for scripts: per file its hash, counts and the problems with their lines.</summary>
    public static object Json(PreflightReport report) => new
    {
        HasErrors = report.HasErrors,
        report.Rejected,
        Files = report.Files.Select(f => new
        {
            f.File.Path,
            Role = f.File.Role.ToString().ToLowerInvariant(),
            f.File.Sha256,
            f.File.Bytes,
            f.File.Lines,
            f.File.Examples,
            f.File.Rejected,
            Problems = f.Report.Rules
                .SelectMany(t => t.Examples.Select(e => new
                {
                    e.Line, e.Column, Severity = t.Rule.Severity == IssueSeverity.Error ? "error" : "warning", Rule = t.Rule.Code, e.Field, e.Message,
                }))
                .Concat(f.BackendProblems.Select(p => new { p.Line, Column = (int?)null, Severity = "error", Rule = "backend", Field = "", p.Message })),
        }),
        Tokens = new
        {
            report.Tokens.Tokenizer, Estimate = report.Tokens.IsEstimate, report.Tokens.Examples, report.Tokens.TotalTokens, report.Tokens.TrainedTokens,
            report.Tokens.Truncated, SeqLen = report.Tokens.Plan.SequenceLength,
        },
    };

    /// <summary>A dry run for scripts.</summary>
    public static object Json(string backend, TuningDryRun dryRun, PreflightReport preflight) => new
    {
        Backend = backend,
        Estimate = Json(dryRun.Estimate),
        dryRun.TrainTokens,
        dryRun.DataTokens,
        dryRun.Epochs,
        dryRun.Steps,
        dryRun.Details,
        Preflight = Json(preflight),
    };

    /// <summary>A dry run on screen: what the job would take.</summary>
    public static void Write(IAnsiConsole console, string backend, TuningDryRun dryRun)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("backend", Markup.Escape(backend));
        table.AddRow("estimate", Markup.Escape(Estimate(dryRun.Estimate)));
        if (dryRun.DataTokens is { } data)
        {
            table.AddRow("data tokens", data.ToString("N0", CultureInfo.InvariantCulture));
        }

        if (dryRun.TrainTokens is { } trained)
        {
            table.AddRow("trained tokens", trained.ToString("N0", CultureInfo.InvariantCulture));
        }

        if (dryRun.Epochs is { } epochs)
        {
            table.AddRow("epochs", epochs.ToString("0.###", CultureInfo.InvariantCulture));
        }

        if (dryRun.Steps is { } steps)
        {
            table.AddRow("steps", steps.ToString(CultureInfo.InvariantCulture));
        }

        foreach (string detail in dryRun.Details)
        {
            table.AddRow("", Markup.Escape(detail));
        }

        console.Write(table);
        console.MarkupLine("[grey]dry run: nothing was started[/]");
    }

    public static string Status(TuningJobStatus status) => status switch
    {
        TuningJobStatus.Succeeded => "[green]succeeded[/]",
        TuningJobStatus.Failed => "[red]failed[/]",
        TuningJobStatus.Interrupted => "[red]interrupted[/]",
        TuningJobStatus.Cancelled or TuningJobStatus.Cancelling => $"[yellow]{status.ToName()}[/]",
        TuningJobStatus.Running => "[blue]running[/]",
        _ => status.ToName(),
    };

    public static string Progress(TuningJob job) => job.TotalSteps is { } total ? $"{job.Step ?? 0}/{total}" : job.Step?.ToString(CultureInfo.InvariantCulture) ?? "-";

    public static string Estimate(CostEstimate estimate)
    {
        var parts = new List<string>();
        if (estimate.Duration is { } duration)
        {
            parts.Add("~" + Duration(duration));
        }

        parts.Add(estimate.Cost is { } cost ? string.Create(CultureInfo.InvariantCulture, $"{cost:0.00} {estimate.Currency}") : "no charge known");
        return $"{string.Join(", ", parts)} ({estimate.Basis})";
    }

    public static string Duration(TimeSpan duration) => duration.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h{duration.Minutes:00}m")
        : duration.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds))}s");

    /// <summary>
    /// A job as <c>tailor tune status</c> shows it: its JSON with <paramref name="json"/>; else the details, the loss chart
    /// and the latest events.
    /// </summary>
    public static async Task WriteAsync(TuneWorkspace workspace, TuningJob job, bool json, CancellationToken ct)
    {
        var env = workspace.Env;
        if (json)
        {
            env.WriteRawLine(JsonSerializer.Serialize(Json(job), CliJson.Indented));
            return;
        }

        Write(env.Out, job);
        foreach (string line in LossChart.Render(await workspace.Store.ReadMetricsAsync(job.Id, ct)))
        {
            env.Out.WriteLine(line);
        }

        var events = new Queue<TuningEvent>();
        await foreach (var e in workspace.Store.ReadEventsAsync(job.Id, 0, ct))
        {
            events.Enqueue(e);
            if (events.Count > RecentEvents)
            {
                events.Dequeue();
            }
        }

        foreach (var e in events)
        {
            env.Out.MarkupLine(EventLine(e));
        }
    }

    /// <summary>A job's details: the table, its error, where it came from and what it made.</summary>
    public static void Write(IAnsiConsole console, TuningJob job)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("job", Markup.Escape(job.Id) + (job.ExternalId is { } external && external != job.Id ? $" [grey]({Markup.Escape(job.Backend)} {Markup.Escape(external)})[/]" : ""));
        table.AddRow("status", Status(job.Status) + (job.VendorStatus is { } vendor ? $" [grey]({Markup.Escape(vendor)})[/]" : ""));
        table.AddRow("backend", Markup.Escape(job.Backend));
        table.AddRow("base", Markup.Escape(job.Request.BaseModel + (job.Request.BaseReference != job.Request.BaseModel ? $" ({job.Request.BaseReference})" : "")));
        table.AddRow("data", Markup.Escape(string.Join(", ", job.Request.TrainingFiles.Concat(job.Request.ValidationFiles).Select(DataLine))));
        table.AddRow("progress", Markup.Escape($"step {Progress(job)}" + (job.TrainedTokens is { } t ? $", {t:N0} trained tokens" : "")));
        if (job.Estimate is { } estimate)
        {
            table.AddRow("estimate", Markup.Escape(Estimate(estimate)));
        }

        table.AddRow("created", Markup.Escape(job.CreatedAt.ToString("u", CultureInfo.InvariantCulture)));
        if (job.FinishedAt is { } finished)
        {
            table.AddRow("finished", Markup.Escape(finished.ToString("u", CultureInfo.InvariantCulture) + (job.StartedAt is { } started ? $" (ran {Duration(finished - started)})" : "")));
        }

        if (job.Output is { } output)
        {
            table.AddRow("output", Markup.Escape($"{output.Reference}{(output.BaseReference is { } b ? $" over {b}" : "")}"));
        }

        if (job.RegisteredModelId is { } model)
        {
            table.AddRow("model", $"[green]{Markup.Escape(model)}[/]");
        }

        console.Write(table);
        if (job.Error is { } error)
        {
            console.MarkupLine($"[{(job.Status == TuningJobStatus.Cancelled ? "yellow" : "red")}]{Markup.Escape(error)}[/]");
        }

        if (job.RegisteredModelId is { } id)
        {
            console.MarkupLine($"[grey]next:[/] tailor models promote <alias> {Markup.Escape(id)}");
        }
        else if (job.Status is TuningJobStatus.Interrupted or TuningJobStatus.Paused || (job.Status == TuningJobStatus.Validated && !job.Request.AutoStart))
        {
            console.MarkupLine($"[grey]next:[/] tailor tune resume {Markup.Escape(job.Id)}");
        }
    }

    private static string DataLine(TuningDataFile f)
    {
        string role = f.Role == TuningDataRole.Validation ? " (validation)" : "";
        string left = f.Rejected > 0 ? string.Create(CultureInfo.InvariantCulture, $", {f.Rejected:N0} left out") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{f.Path}{role}: {f.Examples:N0} examples{left}, sha256 {f.Sha256[..12]}");
    }

    public static string EventLine(TuningEvent e)
    {
        string level = e.Level switch
        {
            TuningEventLevel.Error => "[red]error[/]",
            TuningEventLevel.Warning => "[yellow]warn[/] ",
            _ => "[grey]info[/] ",
        };
        return $"[grey]{e.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}[/] {level} {Markup.Escape(e.Message)}";
    }

    /// <summary>The live view of a watched job: status line, loss chart, recent events.</summary>
    public static IRenderable Live(TuningJob job, IReadOnlyList<TuningMetric> metrics, IReadOnlyList<TuningEvent> recent)
    {
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(job.Id)}[/] {Status(job.Status)}  step {Markup.Escape(Progress(job))}" +
                (metrics.LastOrDefault(m => m.TrainLoss is not null)?.TrainLoss is { } loss ? string.Create(CultureInfo.InvariantCulture, $"  loss {loss:0.0000}") : "")),
        };
        foreach (string line in LossChart.Render(metrics))
        {
            rows.Add(new Spectre.Console.Text(line));
        }

        rows.AddRange(recent.TakeLast(RecentEvents).Select(e => (IRenderable)new Markup(EventLine(e))));
        return new Rows(rows);
    }

    /// <summary>Pre-flight's findings, file by file, as <c>file:line: error[rule] field: message</c> lines (to stderr).</summary>
    public static void Write(IAnsiConsole console, PreflightReport report, bool forced)
    {
        foreach (var file in report.Files)
        {
            string state = file.HasErrors ? (forced ? "[yellow]errors, left out (--force)[/]" : "[red]errors[/]") : "[green]ok[/]";
            console.MarkupLine($"{Markup.Escape(file.DisplayPath)}: {file.File.Lines:N0} lines, {file.File.Examples:N0} usable, {file.File.Rejected:N0} rejected: {state}");
            foreach (var tally in file.Report.Rules)
            {
                foreach (var example in tally.Examples)
                {
                    string where = example.Line > 0 ? $"{file.DisplayPath}:{example.Line}{(example.Column is { } c ? $":{c}" : "")}" : file.DisplayPath;
                    string severity = tally.Rule.Severity == IssueSeverity.Error ? "[red]error[/]" : "[yellow]warning[/]";
                    console.MarkupLine($"  {Markup.Escape(where)}: {severity}[[{Markup.Escape(tally.Rule.Code)}]]{Markup.Escape(example.Field.Length > 0 ? " " + example.Field + ":" : "")} {Markup.Escape(example.Message)}");
                }

                if (tally.Count > tally.Examples.Count)
                {
                    console.MarkupLine($"  [grey]... and {tally.Count - tally.Examples.Count:N0} more ({Markup.Escape(tally.Rule.Code)}: {Markup.Escape(tally.Rule.Hint)})[/]");
                }
            }

            foreach (var problem in file.BackendProblems)
            {
                console.MarkupLine($"  {Markup.Escape($"{file.DisplayPath}:{problem.Line}")}: [red]error[/][[backend]] {Markup.Escape(problem.Message)}");
            }

            if (file.BackendProblemCount > file.BackendProblems.Count)
            {
                console.MarkupLine($"  [grey]... and {file.BackendProblemCount - file.BackendProblems.Count:N0} more the backend cannot train on[/]");
            }
        }

        var tokens = report.Tokens;
        string truncated = tokens.Truncated > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {tokens.Truncated:N0} longer than the sequence length {tokens.Plan.SequenceLength}") : "";
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"tokens: {tokens.TotalTokens:N0} in {tokens.Examples:N0} training examples, {tokens.TrainedTokens:N0} trained on ({tokens.Tokenizer}{(tokens.IsEstimate ? ", an estimate" : "")})") + truncated));
    }
}
