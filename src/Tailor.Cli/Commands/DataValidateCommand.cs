using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Validation;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data validate [files]</c>: every rule of docs/data.md on every line, errors grouped in
/// buckets with counts, each with file:line and a fix hint. <c>--fix</c> splits each file into its
/// valid lines and its rejected lines (verbatim, with reasons beside them). Exit 1 when errors remain.
/// </summary>
internal static class DataValidateCommand
{
    public static Command Create(CliEnvironment env)
    {
        var files = new Argument<string[]>("files") { Description = "JSONL files (default: the spec's datasets)", Arity = ArgumentArity.ZeroOrMore };
        var format = DataFiles.FormatOption("Format the files must be in: mistral, openai or text (default: each line's own)");
        var fix = new Option<bool>("--fix") { Description = "Write <file>.valid.jsonl and <file>.rejected.jsonl (+ .rejected.reasons.jsonl) beside each file" };
        var seqLen = new Option<int?>("--seq-len") { Description = "Warn about examples longer than this many tokens (the spec's local model's tokenizer, else an o200k_base estimate)" };
        var maxLine = new Option<int>("--max-line-bytes") { Description = "Reject lines longer than this", DefaultValueFactory = _ => 64 << 20 };
        var minExamples = new Option<int>("--min-examples") { Description = "Warn when a file has fewer valid examples", DefaultValueFactory = _ => 10 };
        var json = DataFiles.JsonOption();
        var command = new Command("validate", "Check tuning data line by line: JSON, encoding, roles, tool calls, weights, lengths; --fix splits off the bad lines");
        command.Arguments.Add(files);
        command.Options.Add(format);
        command.Options.Add(fix);
        command.Options.Add(seqLen);
        command.Options.Add(maxLine);
        command.Options.Add(minExamples);
        command.Options.Add(json);
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(files) ?? [], new ValidationOptions
        {
            Format = DataFiles.ParseFormat(parse.GetValue(format)),
            MaxLineBytes = Math.Max(16, parse.GetValue(maxLine)),
            MaxTokens = parse.GetValue(seqLen),
            Tokens = parse.GetValue(seqLen) is null ? null : DataTokensCommand.ResolveCounter(env, parse, alias: null),
            MinExamples = parse.GetValue(minExamples),
        }, parse.GetValue(fix), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string[] files, ValidationOptions options, bool fix, bool json, CancellationToken ct)
    {
        var paths = files.Length > 0 ? files.Select(f => DataFiles.Input(env, f)).ToList() : SpecDatasets(env, parse);
        var validator = new DatasetValidator(options);
        var reports = new List<(ValidationReport Report, string[]? Written)>();
        using var outputs = new DataOutputs();
        foreach (string path in paths)
        {
            string display = DataFiles.Display(env, path);
            var report = new ValidationReport(display);
            string[]? written = null;
            await using (var input = Tailor.Data.Formats.DatasetReader.OpenRead(path))
            {
                if (fix)
                {
                    written = [DataFiles.Beside(path, "valid"), DataFiles.Beside(path, "rejected"), DataFiles.Beside(path, "rejected.reasons")];
                    await using var source = Tailor.Data.Formats.DatasetReader.OpenRead(path);
                    await using var valid = outputs.Create(written[0]);
                    await using var rejected = outputs.Create(written[1]);
                    await using var reasons = outputs.Create(written[2]);
                    await using var writer = new RejectedLinesWriter(valid, rejected, reasons, source);
                    await foreach (var verdict in validator.ValidateAsync(input, display, ct))
                    {
                        report.Add(verdict);
                        await writer.WriteAsync(verdict, ct);
                    }
                }
                else
                {
                    await foreach (var verdict in validator.ValidateAsync(input, display, ct))
                    {
                        report.Add(verdict);
                    }
                }
            }
            report.Complete(options);
            reports.Add((report, written?.Select(w => DataFiles.Display(env, w)).ToArray()));
        }
        outputs.Commit();

        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Files = reports.Select(r => new
                {
                    r.Report.File,
                    r.Report.Lines,
                    r.Report.Valid,
                    r.Report.Rejected,
                    r.Report.LinesWithWarnings,
                    ErrorsByBucket = r.Report.ErrorsByBucket.ToDictionary(b => Bucket(b.Key), b => b.Value),
                    WarningsByBucket = r.Report.WarningsByBucket.ToDictionary(b => Bucket(b.Key), b => b.Value),
                    Rules = r.Report.Rules.Select(t => new
                    {
                        t.Rule.Code,
                        Bucket = Bucket(t.Rule.Bucket),
                        Severity = t.Rule.Severity == IssueSeverity.Error ? "error" : "warning",
                        t.Count,
                        t.Rule.Hint,
                        Examples = t.Examples.Select(e => new { e.Line, e.Field, e.Message, e.Column }),
                    }),
                    Written = r.Written,
                }),
            });
        }
        else
        {
            foreach (var (report, written) in reports)
            {
                Render(env, report, written);
            }
        }
        return reports.Any(r => r.Report.HasErrors) ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }

    private static List<string> SpecDatasets(CliEnvironment env, ParseResult parse)
    {
        var project = DataFiles.TryLoadProject(parse, env)
            ?? throw new CliException("no files given and no tailor.yaml found", "pass the JSONL files to check, or run inside a project whose spec lists datasets");
        if (project.Spec.Datasets.Count == 0)
        {
            throw new CliException("the spec lists no datasets", "pass the JSONL files to check, or add them under 'datasets:' in tailor.yaml");
        }
        return project.Spec.Datasets.Select(d => DataFiles.Input(env, project.Spec.ResolvePath(d))).ToList();
    }

    private static string Bucket(IssueBucket bucket) => bucket.ToString().ToLowerInvariant();

    private static void Render(CliEnvironment env, ValidationReport report, string[]? written)
    {
        string status = report.HasErrors ? "[red]errors[/]" : "[green]ok[/]";
        env.Out.MarkupLine($"[bold]{Markup.Escape(report.File)}[/]: {DataFiles.Count(report.Lines)} lines, {DataFiles.Count(report.Valid)} valid, {DataFiles.Count(report.Rejected)} rejected, {DataFiles.Count(report.LinesWithWarnings)} with warnings: {status}");
        var rules = report.Rules.ToList();
        if (report.ErrorsByBucket.Count > 0 || report.WarningsByBucket.Count > 0)
        {
            string Buckets(Dictionary<IssueBucket, long> counts) => string.Join(", ", counts.OrderByDescending(b => b.Value).Select(b => $"{Bucket(b.Key)} {DataFiles.Count(b.Value)}"));
            if (report.ErrorsByBucket.Count > 0)
            {
                env.Out.MarkupLine($"errors by bucket: {Markup.Escape(Buckets(report.ErrorsByBucket))}");
            }
            if (report.WarningsByBucket.Count > 0)
            {
                env.Out.MarkupLine($"warnings by bucket: {Markup.Escape(Buckets(report.WarningsByBucket))}");
            }
        }
        if (rules.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("bucket").AddColumn("rule").AddColumn(new TableColumn("count").RightAligned()).AddColumn("first lines").AddColumn("how to fix");
            foreach (var tally in rules)
            {
                string rule = tally.Rule.Severity == IssueSeverity.Error ? $"[red]{Markup.Escape(tally.Rule.Code)}[/]" : $"[yellow]{Markup.Escape(tally.Rule.Code)}[/]";
                string lines = string.Join(", ", tally.Examples.Where(e => e.Line > 0).Select(e => e.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                table.AddRow(Bucket(tally.Rule.Bucket), rule, DataFiles.Count(tally.Count), Markup.Escape(lines), Markup.Escape(tally.Rule.Hint));
            }
            env.Out.Write(table);
            foreach (var tally in rules)
            {
                foreach (var example in tally.Examples)
                {
                    string where = example.Line > 0 ? $"{report.File}:{example.Line}{(example.Column is { } c ? $":{c}" : "")}" : report.File;
                    string severity = tally.Rule.Severity == IssueSeverity.Error ? "[red]error[/]" : "[yellow]warning[/]";
                    string field = example.Field.Length > 0 ? $" {example.Field}:" : "";
                    env.Out.MarkupLine($"{Markup.Escape(where)}: {severity}[[{Markup.Escape(tally.Rule.Code)}]]{Markup.Escape(field)} {Markup.Escape(example.Message)}");
                }
                if (tally.Count > tally.Examples.Count)
                {
                    env.Out.MarkupLine($"  [grey]... and {DataFiles.Count(tally.Count - tally.Examples.Count)} more[/]");
                }
            }
        }
        if (written is not null)
        {
            env.Out.MarkupLine($"wrote [bold]{Markup.Escape(written[0])}[/] ({DataFiles.Count(report.Valid)} lines), [bold]{Markup.Escape(written[1])}[/] ({DataFiles.Count(report.Rejected)} lines) and their reasons in [bold]{Markup.Escape(written[2])}[/]");
        }
    }
}
