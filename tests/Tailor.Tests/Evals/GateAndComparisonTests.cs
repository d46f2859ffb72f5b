using System.Text;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Running;
using Tailor.Spec;
using Tailor.Testing;

namespace Tailor.Tests.Evals;

/// <summary>Comparison statistics and gates over real runs: the candidate model answers some cases wrongly.</summary>
public sealed class GateAndComparisonTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>40 cases, half tagged 'billing'; the candidate gets the first <paramref name="candidateWrong"/> billing cases wrong.</summary>
    private static async Task<(RunSummary Baseline, RunSummary Candidate)> RunBothAsync(int candidateWrong)
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = r =>
        {
            int n = int.Parse(r.LastUserText!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            return r.Model == "cand-model" && n % 2 == 0 && n / 2 < candidateWrong ? FakeReply.Text("I am not sure.") : null;
        };
        await using var project = EvalProject.Create(server.BaseUrl);
        var suite = new StringBuilder("id: gates\ncases:\n");
        for (int i = 0; i < 40; i++)
        {
            suite.Append($"  - id: c{i:D2}\n    input: question {i}\n    expected: \"echo: question {i}\"\n    tags: [{(i % 2 == 0 ? "billing" : "other")}]\n");
        }

        project.Write("evals/gates.yaml", suite.ToString());
        var loaded = project.LoadSuite("evals/gates.yaml");
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 4 });
        var b = await runner.RunAsync(loaded, project.Target("baseline"), project.Evals, cancellationToken: Ct);
        var c = await runner.RunAsync(loaded, project.Target("candidate"), project.Evals, cancellationToken: Ct);
        return (await RunSummary.LoadAsync(project.Evals, b.Run, Ct), await RunSummary.LoadAsync(project.Evals, c.Run, Ct));
    }

    private static GateSpec Compare(double margin, string? slice = null) => new()
    {
        Id = "not-worse",
        Metric = "accuracy",
        Slice = slice,
        Compare = new GateComparison { Baseline = "baseline", Candidate = "candidate", Margin = margin, Confidence = 0.95 },
    };

    [Fact]
    public async Task A_clearly_worse_candidate_fails_the_comparison_gate_and_the_comparison_flags_the_regression()
    {
        var (baseline, candidate) = await RunBothAsync(candidateWrong: 8);

        var gate = GateEvaluator.CheckComparison(Compare(0.02), baseline, candidate, seed: 1);
        Assert.False(gate.Passed, gate.Message);
        Assert.Equal(-0.2, gate.Observed!.Estimate, 12);
        Assert.Contains("beyond the margin", gate.Message, StringComparison.Ordinal);

        var comparison = RunComparison.Compute(baseline, candidate, seed: 1);
        var accuracy = comparison.Metrics.Single(m => m.Metric == "accuracy");
        Assert.Equal(1.0, accuracy.Baseline.Estimate, 12);
        Assert.Equal(0.8, accuracy.Candidate.Estimate, 12);
        Assert.Equal(ComparisonVerdict.Regressed, accuracy.Verdict);
        Assert.Equal(ComparisonVerdict.Regressed, comparison.Slices.Single(s => s.Metric == "accuracy" && s.Slice == "billing").Verdict);
        Assert.Equal(ComparisonVerdict.NoChange, comparison.Slices.Single(s => s.Metric == "accuracy" && s.Slice == "other").Verdict);
        // Only accuracy: latency_ms is compared too, and its verdict depends on the machine's load.
        Assert.Contains(comparison.Regressions, r => r.Metric == "accuracy" && r.Slice == "billing");
        Assert.DoesNotContain(comparison.Regressions, r => r.Metric == "accuracy" && r.Slice == "other");
    }

    [Fact]
    public async Task An_equal_candidate_passes_the_comparison_gate_and_a_generous_margin_absorbs_a_small_loss()
    {
        var (baseline, candidate) = await RunBothAsync(candidateWrong: 0);
        Assert.True(GateEvaluator.CheckComparison(Compare(0), baseline, candidate).Passed);

        var (b2, c2) = await RunBothAsync(candidateWrong: 1);
        Assert.False(GateEvaluator.CheckComparison(Compare(0), b2, c2, seed: 3).Passed);
        Assert.True(GateEvaluator.CheckComparison(Compare(0.2), b2, c2, seed: 3).Passed);
    }

    [Fact]
    public async Task Absolute_gates_read_the_mean_on_their_slice_and_fail_without_data()
    {
        var (_, candidate) = await RunBothAsync(candidateWrong: 10);
        var overall = new GateSpec { Id = "quality", Metric = "accuracy", Min = 0.7 };
        var billing = overall with { Slice = "billing" };

        Assert.True(GateEvaluator.CheckAbsolute(overall, candidate).Passed);
        var failed = GateEvaluator.CheckAbsolute(billing, candidate);
        Assert.False(failed.Passed);
        Assert.Equal(0.5, failed.Observed!.Estimate, 12);
        Assert.False(GateEvaluator.CheckAbsolute(overall with { Metric = "bleu" }, candidate).Passed);
        Assert.Contains("no metric 'bleu'", GateEvaluator.CheckAbsolute(overall with { Metric = "bleu" }, candidate).Message, StringComparison.Ordinal);
        Assert.False(GateEvaluator.CheckAbsolute(overall, null).Passed);
        Assert.True(GateEvaluator.CheckAbsolute(new GateSpec { Id = "fast", Metric = RunSummary.LatencyMetric, Max = 60_000 }, candidate).Passed);
    }
}
