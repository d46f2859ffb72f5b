using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Cli.Rendering;
using Tailor.Evals.Ratings;
using Tailor.Evals.Results;
using Tailor.Spec;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor eval ratings export|import|agreement</c>: human ratings per answer (CSV/JSONL sheets for raters),
/// agreement between raters (Cohen's kappa, Krippendorff's alpha) and the judge's calibration against them.
/// </summary>
internal static class EvalRatingsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("ratings", "Human ratings: export a sheet, import it, measure agreement and judge calibration");
        command.Subcommands.Add(Export(env));
        command.Subcommands.Add(Import(env));
        command.Subcommands.Add(Agreement(env));
        return command;
    }

    private static Command Export(CliEnvironment env)
    {
        var run = new Argument<string>("run") { Description = "Run id, prefix or model alias whose answers are rated" };
        var output = new Option<string>("--output", "-o") { Description = "The sheet to write: .csv or .jsonl", Required = true };
        var rater = new Option<string?>("--rater") { Description = "Pre-fill the rater column" };
        var metric = new Option<string>("--metric") { Description = "What is rated (a judge metric name, for calibration)", DefaultValueFactory = _ => "overall" };
        var command = new Command("export", "Write a rating sheet with one row per answer of a run");
        command.Arguments.Add(run);
        command.Options.Add(output);
        command.Options.Add(rater);
        command.Options.Add(metric);
        command.SetAction(async (parse, ct) =>
        {
            string file = parse.GetValue(output)!;
            if (!file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"'{file}' is neither .csv nor .jsonl", "name the sheet ratings.csv (for a spreadsheet) or ratings.jsonl");
            }

            await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
            EvalRun target = await workspace.ResolveRunAsync(parse.GetValue(run)!, null, ct);
            await RatingsFile.ExportAsync(workspace.Evals.ReadResultsAsync(target.Id, ct), workspace.Resolve(file), parse.GetValue(rater), parse.GetValue(metric)!, ct);
            env.Error.MarkupLine(Markup.Escape($"rating sheet for run {target.Id} written to {file}: fill in rater, score and/or label, comment; then 'tailor eval ratings import {file}'"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(CliEnvironment env)
    {
        var file = new Argument<string>("file") { Description = "A filled-in rating sheet (.csv or .jsonl)" };
        var json = new Option<bool>("--json") { Description = "Print the counts as JSON" };
        var command = new Command("import", "Store the ratings of a filled-in sheet; bad rows are reported and skipped");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            string path = parse.GetValue(file)!;
            await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
            string full = Path.GetFullPath(Path.Combine(env.WorkingDirectory, path));
            if (!File.Exists(full))
            {
                throw new CliException($"rating sheet '{path}' not found", "export one first: tailor eval ratings export <run> -o ratings.csv");
            }

            var problems = new List<SpecDiagnostic>();
            var ratings = await RatingsFile.ImportAsync(full, path, env.TimeProvider, problems.Add, ct).ToListAsync(ct);
            var known = new Dictionary<string, bool>(StringComparer.Ordinal);
            var accepted = new List<HumanRating>();
            foreach (HumanRating rating in ratings)
            {
                if (!known.TryGetValue(rating.RunId, out bool exists))
                {
                    known[rating.RunId] = exists = await workspace.Evals.GetRunAsync(rating.RunId, ct) is { } r && r.Id == rating.RunId;
                }

                if (exists)
                {
                    accepted.Add(rating);
                }
                else
                {
                    problems.Add(new SpecDiagnostic { File = path, Field = "run_id", Message = $"no eval run '{rating.RunId}' in the store; its ratings are skipped", Hint = "import the sheet into the project whose run it was exported from" });
                }
            }

            await workspace.Evals.AddRatingsAsync(accepted, ct);
            DiagnosticRenderer.Write(env.Error, problems, env.WorkingDirectory);
            if (parse.GetValue(json))
            {
                env.WriteRawLine(JsonSerializer.Serialize(new { imported = accepted.Count, skipped = problems.Count }));
            }
            else
            {
                env.Out.MarkupLine(Markup.Escape($"{accepted.Count} rating(s) imported, {problems.Count} problem(s)"));
            }

            return problems.Count > 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Agreement(CliEnvironment env)
    {
        var run = new Option<string?>("--run") { Description = "Only ratings of this run (id, prefix or model alias)" };
        var metric = new Option<string>("--metric") { Description = "The rated metric", DefaultValueFactory = _ => "overall" };
        var judgeMetric = new Option<string?>("--judge-metric") { Description = "A judge metric of the run to calibrate against the human scores (e.g. judge)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("agreement", "Agreement between raters (Cohen's kappa, Krippendorff's alpha) and of the judge with them");
        command.Options.Add(run);
        command.Options.Add(metric);
        command.Options.Add(judgeMetric);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
            string? runId = parse.GetValue(run) is { } reference ? (await workspace.ResolveRunAsync(reference, null, ct)).Id : null;
            var ratings = await workspace.Evals.ReadRatingsAsync(runId, ct).ToListAsync(ct);
            if (ratings.Count == 0)
            {
                throw new CliException("no ratings stored" + (runId is null ? "" : $" for run {runId}"), "export a sheet, fill it in and import it: tailor eval ratings export <run> -o ratings.csv");
            }

            Dictionary<(string, string, int), (double, bool)>? judged = null;
            string? jm = parse.GetValue(judgeMetric);
            if (jm is not null)
            {
                judged = [];
                foreach (string id in ratings.Select(r => r.RunId).Distinct(StringComparer.Ordinal))
                {
                    await foreach (CaseResult r in workspace.Evals.ReadResultsAsync(id, ct))
                    {
                        if (r.Metrics.FirstOrDefault(m => m.Metric == jm) is { Value: { } v } m)
                        {
                            judged[(id, r.CaseId, r.Repeat)] = (v, m.Passed);
                        }
                    }
                }
            }

            var report = AgreementReport.Compute(ratings, parse.GetValue(metric)!, judged, jm);
            if (parse.GetValue(json))
            {
                // Undefined statistics (NaN: too few items) are written as null.
                var options = new JsonSerializerOptions(CliJson.Indented) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
                env.WriteRawLine(JsonSerializer.Serialize(report, options).Replace("\"NaN\"", "null", StringComparison.Ordinal));
                return ExitCodes.Ok;
            }

            string N(double v) => EvalWorkspace.Number(v);
            env.Out.MarkupLine(Markup.Escape($"{report.RatedItems} rated answer(s) on '{report.Metric}' by {report.Raters.Count} rater(s): {string.Join(", ", report.Raters)}"));
            env.Out.MarkupLine(Markup.Escape($"Krippendorff's alpha: ordinal {N(report.AlphaOrdinal)}, interval {N(report.AlphaInterval)}, nominal (labels) {N(report.AlphaNominal)}"));
            foreach (RaterPair pair in report.Pairs)
            {
                env.Out.MarkupLine(Markup.Escape($"Cohen's kappa {pair.RaterA} / {pair.RaterB}: {N(pair.Kappa)} on {pair.Items} common answer(s)"));
            }

            if (report.Judge is { } j)
            {
                env.Out.MarkupLine(Markup.Escape($"judge '{j.Metric}' vs humans on {j.Items} answer(s): Kendall tau {N(j.KendallTau)}, Spearman {N(j.Spearman)}, Pearson {N(j.Pearson)}, MAE {N(j.MeanAbsoluteError)}, pass/fail agreement {N(j.PassAgreement)}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
