using System.Globalization;
using Tailor.Evals.Comparison;
using Tailor.Evals.Statistics;
using Tailor.Spec;

namespace Tailor.Evals.Gates;

/// <summary>
/// Checks the spec's gates against run summaries. An absolute gate (<c>min</c>/<c>max</c>) reads the mean
/// of its metric over its slice of the run. A comparison gate passes when the candidate is not worse than the
/// baseline by more than the margin at the stated confidence: the one-sided bootstrap lower bound of the mean
/// paired difference (candidate - baseline, on the cases both answered; reversed for latency and cost) is at
/// least <c>-margin</c>. A gate whose runs are missing, whose metric is absent, or whose cases errored fails:
/// a release gate never passes on data it does not have.
/// </summary>
/// <remarks>Stateless and thread-safe; results are exactly repeatable for a given seed.</remarks>
public static class GateEvaluator
{
    /// <summary>An absolute gate (min/max) on <paramref name="run"/>; null run means no run was found.</summary>
    public static GateResult CheckAbsolute(GateSpec gate, RunSummary? run, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(gate);
        string requirement = string.Join(" and ", new[]
        {
            gate.Min is { } min ? $"mean >= {F(min)}" : null,
            gate.Max is { } max ? $"mean <= {F(max)}" : null,
        }.OfType<string>());
        if (run is null)
        {
            return Fail(gate, requirement, null, [], $"no completed run of suite '{gate.Suite ?? "(any)"}' to check",
                $"run it first: tailor eval run{(gate.Suite is null ? "" : $" --suite {gate.Suite}")}");
        }

        if (Unusable(gate, run, requirement) is { } unusable)
        {
            return unusable;
        }

        Interval mean = run.Mean(gate.Metric, gate.Slice, 0.95, new Random(seed));
        bool passed = (gate.Min is null || mean.Estimate >= gate.Min) && (gate.Max is null || mean.Estimate <= gate.Max);
        string message = $"mean {F(mean.Estimate)} over {mean.Count} case(s) (95% CI {F(mean.Lower)} to {F(mean.Upper)}) {(passed ? "meets" : "fails")} {requirement}";
        return new GateResult(gate.Id, gate.Description, gate.Metric, gate.Slice, requirement, mean, passed, message, [run.Run.Id]);
    }

    /// <summary>A comparison gate between <paramref name="baseline"/> and <paramref name="candidate"/> (null when not found).</summary>
    public static GateResult CheckComparison(GateSpec gate, RunSummary? baseline, RunSummary? candidate, int seed = 0, int resamples = Bootstrap.DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(gate);
        GateComparison compare = gate.Compare ?? throw new ArgumentException("the gate has no compare section", nameof(gate));
        bool lower = MetricDirection.LowerIsBetter(gate.Metric);
        string requirement = lower
            ? $"{compare.Candidate} - {compare.Baseline} <= {F(compare.Margin)} at {Percent(compare.Confidence)} confidence"
            : $"{compare.Candidate} - {compare.Baseline} >= -{F(compare.Margin)} at {Percent(compare.Confidence)} confidence";
        string[] runs = [.. new[] { baseline?.Run.Id, candidate?.Run.Id }.OfType<string>()];
        foreach (var (summary, alias) in new[] { (baseline, compare.Baseline), (candidate, compare.Candidate) })
        {
            if (summary is null)
            {
                return Fail(gate, requirement, null, runs, $"no completed run of suite '{gate.Suite ?? "(any)"}' on model '{alias}'",
                    $"run it first: tailor eval run{(gate.Suite is null ? "" : $" --suite {gate.Suite}")} --model {alias}");
            }

            if (Unusable(gate, summary, requirement) is { } unusable)
            {
                return unusable;
            }
        }

        var differences = PairedDifference.Differences(baseline!.Values(gate.Metric, gate.Slice), candidate!.Values(gate.Metric, gate.Slice));
        if (differences.Length == 0)
        {
            return Fail(gate, requirement, null, runs, "the two runs have no case in common", "run the same suite on both models");
        }

        // Orient so that "higher is better": a lower-is-better metric's difference is negated.
        double[] oriented = lower ? [.. differences.Select(d => -d)] : differences;
        Interval bound = Bootstrap.LowerBound(oriented, compare.Confidence, new Random(seed), resamples);
        bool passed = bound.Lower >= -compare.Margin;
        Interval observed = lower ? new Interval(-bound.Estimate, double.NegativeInfinity, -bound.Lower, bound.Confidence, bound.Count) : bound;
        string direction = lower ? "at most" : "at least";
        string worst = F(lower ? -bound.Lower : bound.Lower);
        string message = $"mean difference {F(observed.Estimate)} over {bound.Count} paired case(s); with {Percent(compare.Confidence)} confidence it is {direction} {worst}, "
            + (passed ? "within" : "beyond") + $" the margin {F(compare.Margin)}";
        return new GateResult(gate.Id, gate.Description, gate.Metric, gate.Slice, requirement, observed, passed, message, runs);
    }

    private static GateResult? Unusable(GateSpec gate, RunSummary run, string requirement)
    {
        if (!run.HasMetric(gate.Metric))
        {
            return Fail(gate, requirement, null, [run.Run.Id], $"run {run.Run.Id} has no metric '{gate.Metric}'",
                $"its metrics: {string.Join(", ", run.Metrics)}; name one of them in the gate, or add a scorer with 'metric: {gate.Metric}' to the suite");
        }

        if (run.Values(gate.Metric, gate.Slice).Count == 0)
        {
            return Fail(gate, requirement, null, [run.Run.Id], $"no case of run {run.Run.Id} is tagged '{gate.Slice}'",
                $"tag the cases the gate is about with '{gate.Slice}'");
        }

        int errored = run.ErroredIn(gate.Slice);
        return errored > 0
            ? Fail(gate, requirement, null, [run.Run.Id], $"{errored} case(s) of run {run.Run.Id} got no answer, so the gate cannot be checked",
                $"rerun them: tailor eval run --resume {run.Run.Id}")
            : null;
    }

    private static GateResult Fail(GateSpec gate, string requirement, Interval? observed, IReadOnlyList<string> runs, string message, string hint) =>
        new(gate.Id, gate.Description, gate.Metric, gate.Slice, requirement, observed, false, $"{message} ({hint})", runs);

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : value > 0 ? "+inf" : value < 0 ? "-inf" : "n/a";

    private static string Percent(double confidence) => (confidence * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
