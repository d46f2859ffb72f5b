using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using Tailor.Cli.Rendering;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Reports;
using Tailor.Evals.Results;
using Tailor.Evals.Running;
using Tailor.Evals.Scoring;
using Tailor.Evals.Suites;
using Tailor.Spec;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor eval run</c>: runs suites against a model with a concurrency limit, retries, a timeout and the
/// response cache; stores every result; resumes an interrupted run. Exit 1 when a case got no answer or,
/// with <c>--gate</c>, when a gate of the suite fails.
/// </summary>
internal static partial class EvalRunCommand
{
    public static Command Create(CliEnvironment env)
    {
        var suites = new Option<string[]>("--suite", "-s") { Description = "Suite id from tailor.yaml or a suite file (repeatable; default: every suite)", AllowMultipleArgumentsPerToken = false };
        var model = ChatOptionsBinding.ModelOption();
        model.Description = "Model alias under test (default: the suite's model, else defaults.model)";
        var judge = new Option<string?>("--judge") { Description = "Judge model alias for judge scorers (default: the suite's judge)" };
        var concurrency = new Option<int>("--concurrency", "-j") { Description = "Most model calls at once", DefaultValueFactory = _ => 4 };
        var repeat = new Option<int?>("--repeat") { Description = "Samples per case (default: the suite's repeat, else 1)" };
        var timeout = new Option<string?>("--timeout") { Description = "Longest a case's call may take, retries included: 30s, 2m, 500ms" };
        var retries = new Option<int?>("--max-retries") { Description = "Retries on 429/5xx/timeouts, honouring Retry-After (default: the model's max_retries)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Always call the model; do not read or write the response cache" };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run (its id or a unique prefix)" };
        var tags = new Option<string[]>("--tag") { Description = "Only cases carrying this tag (repeatable)" };
        var limit = new Option<int?>("--limit") { Description = "Only the first N cases" };
        var label = new Option<string?>("--label") { Description = "A label stored with the run (a git SHA, 'nightly')" };
        var gate = new Option<bool>("--gate") { Description = "Check the spec's gates on the suites afterwards; exit 1 if one fails" };
        var report = new EvalReportOptions();

        var command = new Command("run", "Run eval suites against a model and store the results");
        foreach (Option option in new Option[] { suites, model, judge, concurrency, repeat, timeout, retries, noCache, resume, tags, limit, label, gate })
        {
            command.Options.Add(option);
        }

        report.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(env, parse, new Settings(
            parse.GetValue(suites) ?? [], parse.GetValue(model), parse.GetValue(judge), parse.GetValue(concurrency), parse.GetValue(repeat),
            ParseDuration(parse.GetValue(timeout)), parse.GetValue(retries), parse.GetValue(noCache), parse.GetValue(resume),
            parse.GetValue(tags) ?? [], parse.GetValue(limit), parse.GetValue(label), parse.GetValue(gate),
            parse.GetValue(report.Json), parse.GetValue(report.JUnit), parse.GetValue(report.Markdown), parse.GetValue(report.Html)), ct));
        return command;
    }

    private sealed record Settings(
        string[] Suites, string? Model, string? Judge, int Concurrency, int? Repeat, TimeSpan? Timeout, int? MaxRetries, bool NoCache,
        string? Resume, string[] Tags, int? Limit, string? Label, bool Gate, bool Json, string? JUnit, string? Markdown, string? Html);

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, Settings s, CancellationToken ct)
    {
        if (s.Concurrency < 1)
        {
            throw new CliException($"--concurrency must be at least 1, got {s.Concurrency}");
        }

        if (s.Repeat is < 1 or > 1000)
        {
            throw new CliException($"--repeat must be from 1 to 1000, got {s.Repeat}");
        }

        await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
        EvalRun? resumed = null;
        List<EvalSuite> suites;
        if (s.Resume is not null)
        {
            resumed = await workspace.ResolveRunAsync(s.Resume, null, ct);
            suites = workspace.LoadSuites([resumed.SuiteFile]);
        }
        else
        {
            suites = workspace.LoadSuites(s.Suites);
        }

        var runs = new List<EvalRun>();
        long errors = 0;
        foreach (EvalSuite suite in suites)
        {
            string alias = resumed?.ModelAlias ?? s.Model ?? suite.Model ?? workspace.Project.ResolveModel(null).Alias;
            string? judgeAlias = s.Judge ?? suite.Judge;
            CheckScorersCanRun(suite, judgeAlias);
            if (judgeAlias is not null)
            {
                _ = workspace.Judge(judgeAlias, s.NoCache); // an unknown alias or a missing key stops here, before any call
            }

            var target = workspace.Target(alias, s.NoCache, s.MaxRetries);
            var diagnostics = new List<SpecDiagnostic>();
            var options = new EvalRunnerOptions
            {
                Concurrency = s.Concurrency,
                Timeout = s.Timeout,
                Repeat = resumed is null ? s.Repeat : null,
                Filter = s.Tags.Length == 0 ? null : c => c.Tags.Any(t => s.Tags.Contains(t, StringComparer.Ordinal)),
                Limit = s.Limit,
                JudgeAlias = judgeAlias,
                Label = s.Label,
                TimeProvider = env.TimeProvider,
                FlushRecordings = workspace.Recorder.FlushAsync,
                OnDiagnostic = d => { lock (diagnostics) { diagnostics.Add(d); } },
                Scorers = new ScorerServices
                {
                    Judges = a => workspace.Judge(a, s.NoCache),
                    DefaultJudge = judgeAlias,
                    JudgePrompt = suite.JudgePrompt,
                    // Built only for suites that score with it: a vendor classifier may need a key the run would not.
                    Moderator = suite.DefaultScorers.Concat(suite.Cases.SelectMany(c => c.Scorers)).Any(x => x.Type == ScorerTypes.Moderation) ? workspace.Moderator : null,
                    PolicyRefusals = [.. workspace.Spec.Policies.Select(p => p.Refusal).OfType<string>()],
                },
            };

            EvalRunOutcome outcome = await RunWithProgressAsync(env, suite, target, workspace, options, resumed?.Id, s.Json, ct);
            DiagnosticRenderer.Write(env.Error, diagnostics.Select(d => d with { File = Path.Combine(workspace.Spec.ProjectDirectory, d.File) }), env.WorkingDirectory);
            errors += outcome.Errors;
            runs.Add(outcome.Run);
            if (!s.Json)
            {
                string skipped = outcome.Skipped > 0 ? $", {outcome.Skipped} already done" : "";
                string cached = outcome.CacheHits > 0 ? $", {outcome.CacheHits} from cache" : "";
                env.Error.MarkupLine(Markup.Escape($"{suite.Id} on {alias}: run {outcome.Run.Id}: {outcome.Passed} passed, {outcome.Failed} failed, {outcome.Errors} errors{cached}{skipped}"));
            }
        }

        var reports = new List<RunReport>();
        foreach (EvalRun run in runs)
        {
            reports.Add(await RunReport.BuildAsync(workspace.Evals, (await workspace.Evals.GetRunAsync(run.Id, ct))!, cancellationToken: ct));
        }

        var gates = s.Gate ? await CheckGatesAsync(workspace, suites, runs, ct) : [];
        var report = new EvalReport { Title = $"Tailor eval: {workspace.Spec.Name}", Runs = reports, Gates = gates, GeneratedAt = env.TimeProvider.GetUtcNow() };
        if (s.Json)
        {
            env.WriteRawLine(JsonReportWriter.ToJson(report));
        }
        else
        {
            foreach (RunReport r in reports)
            {
                EvalTables.WriteRun(env, r);
            }

            if (gates.Count > 0)
            {
                EvalTables.WriteGates(env, gates);
            }
        }

        await workspace.WriteReportFilesAsync(report, s.JUnit, s.Markdown, s.Html, ct);
        if (errors > 0 && !s.Json)
        {
            env.Error.MarkupLine(Markup.Escape($"{errors} case(s) got no answer; rerun them with: tailor eval run --resume {runs.Last().Id}"));
        }

        return errors > 0 || gates.Any(g => !g.Passed) ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }

    private static async Task<EvalRunOutcome> RunWithProgressAsync(
        CliEnvironment env, EvalSuite suite, EvalTarget target, EvalWorkspace workspace, EvalRunnerOptions options, string? resume, bool json, CancellationToken ct)
    {
        var runner = new EvalRunner(options);
        if (json || !env.Error.Profile.Capabilities.Interactive)
        {
            return await runner.RunAsync(suite, target, workspace.Evals, resume, ct);
        }

        EvalRunOutcome? outcome = null;
        await env.Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"{suite.Id} on {target.Alias}"));
                var progress = new Progress<EvalProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = Markup.Escape($"{suite.Id} on {target.Alias}: {p.Passed} passed, {p.Failed} failed, {p.Errors} errors");
                });
                var withProgress = new EvalRunner(options with { Progress = progress });
                outcome = await withProgress.RunAsync(suite, target, workspace.Evals, resume, ct);
                task.Value = task.MaxValue;
            });
        return outcome!;
    }

    /// <summary>Stops before the first call when a scorer written in the suite cannot run: judges without a judge model.</summary>
    private static void CheckScorersCanRun(EvalSuite suite, string? judgeAlias)
    {
        var scorers = suite.DefaultScorers.Concat(suite.Cases.SelectMany(c => c.Scorers)).ToList();
        if (judgeAlias is null && scorers.Any(x => x.Type == ScorerTypes.Judge && x.Judge is null))
        {
            throw new CliException($"suite '{suite.Id}' has judge scorers but names no judge model",
                "add 'judge: <alias>' to the suite, or pass --judge <alias>");
        }
    }

    /// <summary>The spec's gates on the suites just run: absolute gates read these runs; comparison gates the newest completed runs of their two models.</summary>
    internal static async Task<List<GateResult>> CheckGatesAsync(EvalWorkspace workspace, List<EvalSuite> suites, List<EvalRun> runs, CancellationToken ct)
    {
        var results = new List<GateResult>();
        var suiteIds = suites.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
        foreach (GateSpec gate in workspace.Spec.Gates.Where(g => g.Suite is null || suiteIds.Contains(g.Suite)))
        {
            results.Add(await EvalGateCommand.CheckAsync(workspace, gate, runs, null, ct));
        }

        return results;
    }

    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    /// <summary><c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c>, or a number of seconds.</summary>
    internal static TimeSpan? ParseDuration(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        Match match = Duration().Match(text.Trim());
        if (!match.Success)
        {
            throw new CliException($"'{text}' is not a duration", "write e.g. 30s, 500ms, 2m or 1m30s");
        }

        double ms = 0;
        for (int i = 0; i < match.Groups[1].Captures.Count; i++)
        {
            double amount = double.Parse(match.Groups[1].Captures[i].Value, CultureInfo.InvariantCulture);
            ms += match.Groups[2].Captures[i].Value switch { "ms" => amount, "s" => amount * 1000, "m" => amount * 60_000, _ => amount * 3_600_000 };
        }

        return ms > 0 ? TimeSpan.FromMilliseconds(ms) : throw new CliException($"'{text}' is not a positive duration", "write e.g. 30s");
    }
}
