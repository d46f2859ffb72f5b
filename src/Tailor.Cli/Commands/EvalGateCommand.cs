using System.CommandLine;
using Spectre.Console;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Reports;
using Tailor.Evals.Results;
using Tailor.Spec;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor eval gate</c>: checks the spec's gates against stored runs and prints a pass/fail table;
/// exit 1 when any gate fails (or cannot be checked for lack of data).
/// </summary>
internal static class EvalGateCommand
{
    public static Command Create(CliEnvironment env)
    {
        var runs = new Option<string[]>("--run") { Description = "Runs to check (id, prefix or model alias; repeatable); by default each gate reads the newest completed runs" };
        var model = ChatOptionsBinding.ModelOption();
        model.Description = "Model whose runs absolute gates read (default: defaults.model)";
        var only = new Option<string[]>("--gate") { Description = "Check only this gate (repeatable)" };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed (results are exactly repeatable)", DefaultValueFactory = _ => 0 };
        var report = new EvalReportOptions();
        var command = new Command("gate", "Check the release gates of tailor.yaml against eval runs; exit 1 if one fails");
        command.Options.Add(runs);
        command.Options.Add(model);
        command.Options.Add(only);
        command.Options.Add(seed);
        report.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(runs) ?? [], parse.GetValue(model), parse.GetValue(only) ?? [], parse.GetValue(seed), report, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string[] runRefs, string? model, string[] only, int seed, EvalReportOptions report, CancellationToken ct)
    {
        await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
        var gates = workspace.Spec.Gates.Where(g => only.Length == 0 || only.Contains(g.Id, StringComparer.Ordinal)).ToList();
        foreach (string missing in only.Where(id => workspace.Spec.Gates.All(g => g.Id != id)))
        {
            throw new CliException($"no gate '{missing}' in tailor.yaml", workspace.Spec.Gates.Count == 0 ? "add gates under 'gates:'" : $"gates: {string.Join(", ", workspace.Spec.Gates.Select(g => g.Id))}");
        }

        if (gates.Count == 0)
        {
            throw new CliException("tailor.yaml defines no gates", "add one under 'gates:', e.g. {id: quality, suite: smoke, metric: accuracy, min: 0.8}");
        }

        var runs = new List<EvalRun>();
        foreach (string reference in runRefs)
        {
            runs.Add(await workspace.ResolveRunAsync(reference, null, ct));
        }

        var results = new List<GateResult>();
        foreach (GateSpec gate in gates)
        {
            results.Add(await CheckAsync(workspace, gate, runs, model, ct, seed));
        }

        var evalReport = new EvalReport { Title = $"Tailor gates: {workspace.Spec.Name}", Gates = results, GeneratedAt = env.TimeProvider.GetUtcNow() };
        if (parse.GetValue(report.Json))
        {
            env.WriteRawLine(JsonReportWriter.ToJson(evalReport));
        }
        else
        {
            EvalTables.WriteGates(env, results);
            int failed = results.Count(r => !r.Passed);
            env.Out.MarkupLine(failed == 0 ? $"[green]all {results.Count} gates passed[/]" : $"[red]{failed} of {results.Count} gates failed[/]");
        }

        await workspace.WriteReportFilesAsync(evalReport, parse.GetValue(report.JUnit), parse.GetValue(report.Markdown), parse.GetValue(report.Html), ct);
        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    /// <summary>Checks one gate; its runs come from <paramref name="given"/> when one fits, else the newest completed run in the store.</summary>
    internal static async Task<GateResult> CheckAsync(EvalWorkspace workspace, GateSpec gate, IReadOnlyList<EvalRun> given, string? model, CancellationToken ct, int seed = 0)
    {
        async Task<RunSummary?> FindAsync(string alias)
        {
            EvalRun? run = given.LastOrDefault(r => r.ModelAlias == alias && (gate.Suite is null || r.SuiteId == gate.Suite))
                ?? await workspace.Evals.ListRunsAsync(new EvalRunQuery { SuiteId = gate.Suite, ModelAlias = alias, Status = EvalRunStatus.Completed, Limit = 1 }, ct).FirstOrDefaultAsync(ct);
            return run is null ? null : await RunSummary.LoadAsync(workspace.Evals, run, ct);
        }

        if (gate.Compare is { } compare)
        {
            var baseline = await FindAsync(compare.Baseline);
            var candidate = await FindAsync(compare.Candidate);
            var result = GateEvaluator.CheckComparison(gate, baseline, candidate, seed);
            if (result.Passed && (gate.Min is not null || gate.Max is not null))
            {
                // A comparison gate with a floor or ceiling also holds the candidate to it.
                var absolute = GateEvaluator.CheckAbsolute(gate, candidate, seed);
                return absolute.Passed ? result with { Message = $"{result.Message}; {absolute.Message}" } : absolute;
            }

            return result;
        }

        string alias = model ?? given.LastOrDefault(r => gate.Suite is null || r.SuiteId == gate.Suite)?.ModelAlias ?? workspace.Project.ResolveModel(null).Alias;
        return GateEvaluator.CheckAbsolute(gate, await FindAsync(alias), seed);
    }
}
