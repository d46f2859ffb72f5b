using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Moderation.Evaluation;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor moderation eval labelled.jsonl</c>: measures the moderation classifiers on labelled examples: per-category
/// precision, recall and F1, the false-positive rate on benign examples (and per tag, e.g. look-alikes), a confusion
/// matrix, a threshold sweep with a precision-recall chart, and latency p50/p99. Bad lines are reported and skipped;
/// they make the exit code 2 once the report is printed.
/// </summary>
internal static class ModerationEvalCommand
{
    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("file") { Description = "Labelled JSONL: {\"text\": \"...\", \"labels\": [...], \"direction\"?, \"tags\"?} per line" };
        var json = new Option<bool>("--json") { Description = "Print the full report (sweep and confusion matrix included) as JSON" };
        var report = new Option<string?>("--report") { Description = "Also write the report as Markdown to this file" };
        var chart = new Option<string?>("--chart") { Description = "Also write the precision-recall curves as an SVG to this file" };
        var setup = new ModerationSetup();
        var command = new Command("eval", "Measure the moderation classifiers on labelled JSONL: per-category precision/recall/F1, benign false positives, confusion, threshold sweep, latency");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.Options.Add(report);
        command.Options.Add(chart);
        setup.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(env, parse, setup, parse.GetValue(file)!, parse.GetValue(json), parse.GetValue(report), parse.GetValue(chart), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, ModerationSetup setup, string file, bool json, string? reportPath, string? chartPath, CancellationToken ct)
    {
        string path = Path.GetFullPath(Path.Combine(env.WorkingDirectory, file));
        if (!File.Exists(path))
        {
            throw new CliException($"no file at {path}", "give a labelled JSONL file: one {\"text\": \"...\", \"labels\": [...]} per line");
        }
        var (moderator, _) = setup.Create(parse, env);
        var problems = new List<LabelledTextProblem>();
        var examples = LabelledTextReader.ReadAsync(path, p =>
        {
            problems.Add(p);
            env.Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(p.ToString())}; line skipped");
        }, file, ct);

        var report = await ClassifierEvaluation.RunAsync(examples, moderator, null, ct);
        if (report.Examples == 0)
        {
            throw new CliException($"{file} has no usable examples", problems.Count > 0 ? "fix the lines reported above" : "each line must be {\"text\": \"...\", \"labels\": [...]}");
        }

        if (reportPath is not null)
        {
            File.WriteAllText(Path.GetFullPath(Path.Combine(env.WorkingDirectory, reportPath)), report.ToMarkdown());
        }
        if (chartPath is not null)
        {
            File.WriteAllText(Path.GetFullPath(Path.Combine(env.WorkingDirectory, chartPath)), ModerationChart.PrecisionRecallSvg(report));
        }
        if (json)
        {
            WriteJson(env, file, report, problems);
        }
        else
        {
            Render(env, report);
        }
        if (problems.Count > 0)
        {
            env.Error.MarkupLine($"[yellow]{problems.Count} line(s) of {Markup.Escape(file)} could not be used[/]");
            return ExitCodes.BadInput;
        }
        return ExitCodes.Ok;
    }

    private static void Render(CliEnvironment env, ClassifierEvaluationReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("category")
            .AddColumn(new TableColumn("examples").RightAligned()).AddColumn(new TableColumn("precision").RightAligned())
            .AddColumn(new TableColumn("recall").RightAligned()).AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("false pos.").RightAligned()).AddColumn(new TableColumn("best F1 (threshold)").RightAligned());
        foreach (var c in report.Categories)
        {
            string best = report.Sweep.TryGetValue(c.Category, out var points) && points.MaxBy(p => p.F1) is { } top
                ? string.Create(inv, $"{top.F1:0.000} ({top.Threshold:0.00})") : "";
            table.AddRow(Markup.Escape(c.Category), c.Support.ToString(inv), c.Precision.ToString("0.000", inv), c.Recall.ToString("0.000", inv),
                c.F1.ToString("0.000", inv), c.FalsePositives.ToString(inv), best);
        }
        env.Out.Write(table);

        var benign = new Table().Border(TableBorder.Rounded).AddColumn("benign").AddColumn(new TableColumn("examples").RightAligned())
            .AddColumn(new TableColumn("flagged").RightAligned()).AddColumn(new TableColumn("false-positive rate").RightAligned());
        benign.AddRow("all", report.Benign.ToString(inv), report.BenignFlagged.ToString(inv), report.BenignFalsePositiveRate.ToString("P1", inv));
        foreach (var slice in report.BenignSlices)
        {
            benign.AddRow(Markup.Escape(slice.Tag), slice.Examples.ToString(inv), slice.Flagged.ToString(inv), slice.FalsePositiveRate.ToString("P1", inv));
        }
        env.Out.Write(benign);

        // The confusion matrix is wide; the terminal shows where each category's misses went.
        foreach (var (actual, row) in report.Confusion.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var wrong = row.Where(p => p.Key != actual && !(actual == "benign" && p.Key == "none")).OrderByDescending(p => p.Value).Take(4).ToList();
            if (wrong.Count > 0)
            {
                env.Out.MarkupLine($"[grey]{Markup.Escape(actual)} -> {Markup.Escape(string.Join(", ", wrong.Select(p => $"{p.Key} {p.Value}")))}[/]");
            }
        }
        env.Out.MarkupLine(string.Create(inv,
            $"[bold]{Markup.Escape(report.Classifiers)}[/]: {report.Examples} examples · micro F1 {report.MicroF1:0.000} · macro F1 {report.MacroF1:0.000} · latency p50 {report.LatencyP50Ms * 1000:0} µs, p99 {report.LatencyP99Ms * 1000:0} µs"));
    }

    private static void WriteJson(CliEnvironment env, string file, ClassifierEvaluationReport report, List<LabelledTextProblem> problems)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteString("classifiers", report.Classifiers);
            w.WriteNumber("examples", report.Examples);
            w.WriteNumber("benign", report.Benign);
            w.WriteNumber("benign_flagged", report.BenignFlagged);
            w.WriteNumber("benign_false_positive_rate", Math.Round(report.BenignFalsePositiveRate, 4));
            w.WriteNumber("micro_f1", Math.Round(report.MicroF1, 4));
            w.WriteNumber("macro_f1", Math.Round(report.MacroF1, 4));
            w.WriteStartObject("latency_ms");
            w.WriteNumber("p50", Math.Round(report.LatencyP50Ms, 4));
            w.WriteNumber("p99", Math.Round(report.LatencyP99Ms, 4));
            w.WriteNumber("mean", Math.Round(report.LatencyMeanMs, 4));
            w.WriteEndObject();
            w.WriteStartArray("categories");
            foreach (var c in report.Categories)
            {
                w.WriteStartObject();
                w.WriteString("category", c.Category);
                w.WriteNumber("examples", c.Support);
                w.WriteNumber("true_positives", c.TruePositives);
                w.WriteNumber("false_positives", c.FalsePositives);
                w.WriteNumber("false_negatives", c.FalseNegatives);
                w.WriteNumber("precision", Math.Round(c.Precision, 4));
                w.WriteNumber("recall", Math.Round(c.Recall, 4));
                w.WriteNumber("f1", Math.Round(c.F1, 4));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("benign_slices");
            foreach (var s in report.BenignSlices)
            {
                w.WriteStartObject();
                w.WriteString("tag", s.Tag);
                w.WriteNumber("examples", s.Examples);
                w.WriteNumber("flagged", s.Flagged);
                w.WriteNumber("false_positive_rate", Math.Round(s.FalsePositiveRate, 4));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("confusion");
            foreach (var (actual, row) in report.Confusion.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(actual);
                foreach (var (predicted, count) in row.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(predicted, count);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject("sweep");
            foreach (var (category, points) in report.Sweep)
            {
                w.WriteStartArray(category);
                foreach (var p in points)
                {
                    w.WriteStartObject();
                    w.WriteNumber("threshold", p.Threshold);
                    w.WriteNumber("precision", Math.Round(p.Precision, 4));
                    w.WriteNumber("recall", Math.Round(p.Recall, 4));
                    w.WriteNumber("f1", Math.Round(p.F1, 4));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteStartArray("problems");
            foreach (var p in problems)
            {
                w.WriteStringValue(p.ToString());
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
