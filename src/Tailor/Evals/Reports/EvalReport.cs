using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Results;
using Tailor.Evals.Statistics;

namespace Tailor.Evals.Reports;

/// <summary>One run as the reports show it: its summary, each metric's mean with a 95% interval and pass rate, per tag, and its failing cases.</summary>
public sealed record RunReport
{
    public required RunSummary Summary { get; init; }

    /// <summary>Each metric over all cases.</summary>
    public required IReadOnlyList<MetricLine> Metrics { get; init; }

    /// <summary>Each metric on each tag's cases.</summary>
    public required IReadOnlyList<MetricLine> Slices { get; init; }

    /// <summary>Failed and errored samples (at most <see cref="EvalReport.MaxFailuresShown"/>).</summary>
    public required IReadOnlyList<CaseResult> Failures { get; init; }

    public EvalRun Run => Summary.Run;

    /// <summary>Reads a run's results once and builds its report.</summary>
    public static async Task<RunReport> BuildAsync(IEvalStore store, EvalRun run, int seed = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        var failures = new List<CaseResult>();
        async IAsyncEnumerable<CaseResult> Tee()
        {
            await foreach (CaseResult r in store.ReadResultsAsync(run.Id, cancellationToken).ConfigureAwait(false))
            {
                if (!r.Passed && failures.Count < EvalReport.MaxFailuresShown)
                {
                    failures.Add(r);
                }

                yield return r;
            }
        }

        RunSummary summary = await RunSummary.FromResultsAsync(run, Tee(), cancellationToken).ConfigureAwait(false);
        return new RunReport
        {
            Summary = summary,
            Metrics = [.. summary.Metrics.Select(m => MetricLine.Of(summary, m, null, seed))],
            Slices = [.. summary.Tags.SelectMany(t => summary.Metrics.Where(m => !RunSummary.IsBuiltIn(m) || m == RunSummary.PassMetric).Select(m => MetricLine.Of(summary, m, t, seed)))],
            Failures = failures,
        };
    }
}

/// <summary>One metric's mean (95% bootstrap interval) over a run's cases or a tag's cases, with its per-case values for charts.</summary>
public sealed record MetricLine(string Metric, string? Slice, Interval Mean, IReadOnlyList<double> Values)
{
    public static MetricLine Of(RunSummary summary, string metric, string? slice, int seed)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var random = new Random(HashCode.Combine(seed, RunComparison.StableHash(metric), RunComparison.StableHash(slice ?? "")));
        var values = summary.Values(metric, slice).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToArray();
        return new MetricLine(metric, slice, Bootstrap.Mean(values, 0.95, random), values);
    }
}

/// <summary>What a report shows: runs, a comparison between two of them, gate results; any part may be absent.</summary>
public sealed record EvalReport
{
    /// <summary>Failing cases listed per run; the rest are counted, not shown.</summary>
    public const int MaxFailuresShown = 200;

    public string Title { get; init; } = "Tailor eval report";

    public IReadOnlyList<RunReport> Runs { get; init; } = [];

    public RunComparison? Comparison { get; init; }

    public IReadOnlyList<GateResult> Gates { get; init; } = [];

    public DateTimeOffset GeneratedAt { get; init; }
}
