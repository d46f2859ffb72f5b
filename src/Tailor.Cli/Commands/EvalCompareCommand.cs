using System.CommandLine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Spectre.Console;
using Tailor.Evals.Comparison;
using Tailor.Evals.Judging;
using Tailor.Evals.Reports;
using Tailor.Evals.Results;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor eval compare &lt;baseline&gt; &lt;candidate&gt;</c>: per metric the two means with bootstrap intervals,
/// the paired difference with its interval, per-tag slices, regressions flagged; with <c>--judge</c>, pairwise
/// judging of every common case in both orders (win/tie/loss).
/// </summary>
internal static class EvalCompareCommand
{
    public static Command Create(CliEnvironment env)
    {
        var baseline = new Argument<string>("baseline") { Description = "Baseline run: id, unique prefix, or model alias (its newest completed run)" };
        var candidate = new Argument<string>("candidate") { Description = "Candidate run: id, unique prefix, or model alias" };
        var suite = new Option<string?>("--suite", "-s") { Description = "With a model alias: the suite the runs must be of" };
        var judge = new Option<string?>("--judge") { Description = "Judge alias: also judge every common case pairwise, in both orders" };
        var confidence = new Option<double>("--confidence") { Description = "Confidence of the intervals", DefaultValueFactory = _ => 0.95 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed (results are exactly repeatable)", DefaultValueFactory = _ => 0 };
        var concurrency = new Option<int>("--concurrency", "-j") { Description = "Most judge calls at once", DefaultValueFactory = _ => 4 };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use the response cache for judge calls" };
        var failOnRegression = new Option<bool>("--fail-on-regression") { Description = "Exit 1 when a metric or a tag regressed" };
        var report = new EvalReportOptions();
        var command = new Command("compare", "Compare two runs: means, paired differences with intervals, per-tag regressions, pairwise judging");
        command.Arguments.Add(baseline);
        command.Arguments.Add(candidate);
        foreach (Option option in new Option[] { suite, judge, confidence, seed, concurrency, noCache, failOnRegression })
        {
            command.Options.Add(option);
        }

        report.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            double level = parse.GetValue(confidence);
            if (!(level > 0 && level < 1))
            {
                throw new CliException($"--confidence must be between 0 and 1, exclusive, got {level}", "e.g. --confidence 0.95");
            }

            await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
            string? suiteId = parse.GetValue(suite);
            var b = await workspace.ResolveRunAsync(parse.GetValue(baseline)!, suiteId, ct);
            var c = await workspace.ResolveRunAsync(parse.GetValue(candidate)!, suiteId ?? b.SuiteId, ct);
            if (b.SuiteId != c.SuiteId)
            {
                env.Error.MarkupLine(Markup.Escape($"warning: the runs are of different suites ('{b.SuiteId}' and '{c.SuiteId}'); only cases with the same id are paired"));
            }

            var comparison = RunComparison.Compute(
                await RunSummary.LoadAsync(workspace.Evals, b, ct), await RunSummary.LoadAsync(workspace.Evals, c, ct), level, parse.GetValue(seed));
            if (parse.GetValue(judge) is { } judgeAlias)
            {
                comparison = comparison with { Pairwise = await JudgePairwiseAsync(workspace, b, c, judgeAlias, parse.GetValue(concurrency), parse.GetValue(noCache), ct) };
            }

            var evalReport = new EvalReport
            {
                Title = $"Tailor comparison: {c.ModelAlias} vs {b.ModelAlias} on {b.SuiteId}",
                Comparison = comparison,
                GeneratedAt = env.TimeProvider.GetUtcNow(),
            };
            if (parse.GetValue(report.Json))
            {
                env.WriteRawLine(JsonReportWriter.ToJson(evalReport));
            }
            else
            {
                EvalTables.WriteComparison(env, comparison);
                int regressions = comparison.Regressions.Count();
                env.Out.MarkupLine(regressions == 0 ? "[green]no regression detected[/]" : $"[red]{regressions} regression(s)[/] (metric or tag where the candidate is surely worse)");
            }

            await workspace.WriteReportFilesAsync(evalReport, parse.GetValue(report.JUnit), parse.GetValue(report.Markdown), parse.GetValue(report.Html), ct);
            return parse.GetValue(failOnRegression) && comparison.Regressions.Any() ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Judges the first sample of every case both runs answered, each pair in both orders.</summary>
    private static async Task<PairwiseTally> JudgePairwiseAsync(EvalWorkspace workspace, EvalRun baseline, EvalRun candidate, string judgeAlias, int concurrency, bool noCache, CancellationToken ct)
    {
        var baselineOutputs = new Dictionary<string, CaseResult>(StringComparer.Ordinal);
        await foreach (CaseResult r in workspace.Evals.ReadResultsAsync(baseline.Id, ct))
        {
            if (r.Repeat == 0 && r.Status == CaseStatus.Ok)
            {
                baselineOutputs[r.CaseId] = r with { Metrics = [] };
            }
        }

        var judge = new ChatConfiguration(workspace.Judge(judgeAlias, noCache));
        var evaluator = new PairwiseJudgeEvaluator();
        int wins = 0, ties = 0, losses = 0, failed = 0;
        var pairs = workspace.Evals.ReadResultsAsync(candidate.Id, ct).Where(r => r.Repeat == 0 && r.Status == CaseStatus.Ok && baselineOutputs.ContainsKey(r.CaseId));
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct }, async (r, token) =>
        {
            var other = baselineOutputs[r.CaseId];
            var result = await evaluator.EvaluateAsync(r.Input, new ChatResponse(new ChatMessage(ChatRole.Assistant, r.Output)), judge,
                [new PairwiseContext(other.Output, reference: r.Expected)], token);
            var metric = result.Get<NumericMetric>(PairwiseJudgeEvaluator.DefaultMetric);
            switch (metric.Value)
            {
                case 1: Interlocked.Increment(ref wins); break;
                case 0: Interlocked.Increment(ref losses); break;
                case 0.5: Interlocked.Increment(ref ties); break;
                default: Interlocked.Increment(ref failed); break;
            }
        });
        if (failed > 0)
        {
            workspace.Env.Error.MarkupLine(Markup.Escape($"warning: the judge gave no usable verdict on {failed} pair(s); they are left out of the tally"));
        }

        return new PairwiseTally(wins, ties, losses);
    }
}
