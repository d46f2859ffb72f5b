using Tailor.Evals.Results;
using Tailor.Evals.Statistics;

namespace Tailor.Evals.Comparison;

/// <summary>
/// The per-case values of every metric of one run, read in one pass over its results: repeats of a case
/// are averaged first (they are not independent samples), so every statistic resamples cases. Besides the
/// scorers' metrics it holds <c>score</c> (weighted case score), <c>pass</c> (1/0), <c>latency_ms</c> and
/// <c>output_tokens</c>. Errored samples carry no metric values and are counted in <see cref="ErroredCases"/>.
/// </summary>
/// <remarks>Immutable once built; safe to share across threads. Memory: one number per case and metric.</remarks>
public sealed class RunSummary
{
    public const string ScoreMetric = "score";
    public const string PassMetric = "pass";
    public const string LatencyMetric = "latency_ms";
    public const string OutputTokensMetric = "output_tokens";

    private readonly Dictionary<string, Dictionary<string, double>> _metrics;

    private RunSummary(EvalRun run, Dictionary<string, Dictionary<string, double>> metrics, Dictionary<string, IReadOnlyList<string>> tags,
        HashSet<string> errored, long results, long passed, long failed, long errors, long cached)
    {
        Run = run;
        _metrics = metrics;
        CaseTags = tags;
        ErroredCases = errored;
        Results = results;
        Passed = passed;
        Failed = failed;
        Errors = errors;
        Cached = cached;
    }

    public EvalRun Run { get; }

    /// <summary>Tags of every case seen.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CaseTags { get; }

    /// <summary>Cases with at least one sample that got no answer.</summary>
    public IReadOnlySet<string> ErroredCases { get; }

    public long Results { get; }
    public long Passed { get; }
    public long Failed { get; }
    public long Errors { get; }
    public long Cached { get; }

    /// <summary>Metric names, scorers' first (sorted), then the built-in ones.</summary>
    public IReadOnlyList<string> Metrics =>
        [.. _metrics.Keys.Where(m => !IsBuiltIn(m)).Order(StringComparer.Ordinal), .. BuiltIn.Where(_metrics.ContainsKey)];

    /// <summary>Every tag used by a case, sorted.</summary>
    public IReadOnlyList<string> Tags => [.. CaseTags.Values.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static readonly string[] BuiltIn = [ScoreMetric, PassMetric, LatencyMetric, OutputTokensMetric];

    public static bool IsBuiltIn(string metric) => BuiltIn.Contains(metric);

    /// <summary>Reads every result of <paramref name="run"/> from <paramref name="store"/>.</summary>
    public static async Task<RunSummary> LoadAsync(IEvalStore store, EvalRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        return await FromResultsAsync(run, store.ReadResultsAsync(run.Id, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<RunSummary> FromResultsAsync(EvalRun run, IAsyncEnumerable<CaseResult> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(results);
        var sums = new Dictionary<string, Dictionary<string, (double Sum, int N)>>(StringComparer.Ordinal);
        var tags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var errored = new HashSet<string>(StringComparer.Ordinal);
        long count = 0, passed = 0, failed = 0, errors = 0, cached = 0;
        void Add(string metric, string caseId, double? value)
        {
            if (value is not { } v || !double.IsFinite(v))
            {
                return;
            }

            if (!sums.TryGetValue(metric, out var byCase))
            {
                sums[metric] = byCase = new Dictionary<string, (double, int)>(StringComparer.Ordinal);
            }

            var (s, n) = byCase.GetValueOrDefault(caseId);
            byCase[caseId] = (s + v, n + 1);
        }

        await foreach (CaseResult r in results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            count++;
            tags[r.CaseId] = r.Tags;
            if (r.Cached)
            {
                cached++;
            }

            if (r.Status == CaseStatus.Error)
            {
                errors++;
                errored.Add(r.CaseId);
                continue;
            }

            if (r.Passed)
            {
                passed++;
            }
            else
            {
                failed++;
            }

            foreach (MetricScore m in r.Metrics)
            {
                Add(m.Metric, r.CaseId, m.Value);
            }

            Add(ScoreMetric, r.CaseId, r.Score);
            Add(PassMetric, r.CaseId, r.Passed ? 1 : 0);
            Add(LatencyMetric, r.CaseId, r.LatencyMs);
            Add(OutputTokensMetric, r.CaseId, r.OutputTokens);
        }

        var metrics = sums.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.ToDictionary(c => c.Key, c => c.Value.Sum / c.Value.N, StringComparer.Ordinal),
            StringComparer.Ordinal);
        return new RunSummary(run, metrics, tags, errored, count, passed, failed, errors, cached);
    }

    public bool HasMetric(string metric) => _metrics.ContainsKey(metric);

    /// <summary>Per-case values of <paramref name="metric"/>, restricted to cases tagged <paramref name="slice"/> when given.</summary>
    public IReadOnlyDictionary<string, double> Values(string metric, string? slice = null)
    {
        if (!_metrics.TryGetValue(metric, out var byCase))
        {
            return new Dictionary<string, double>();
        }

        return slice is null
            ? byCase
            : byCase.Where(kv => CaseTags.TryGetValue(kv.Key, out var t) && t.Contains(slice, StringComparer.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Cases (in the slice) that errored.</summary>
    public int ErroredIn(string? slice) => slice is null
        ? ErroredCases.Count
        : ErroredCases.Count(c => CaseTags.TryGetValue(c, out var t) && t.Contains(slice, StringComparer.Ordinal));

    /// <summary>The metric's mean over cases with a two-sided bootstrap interval.</summary>
    public Interval Mean(string metric, string? slice, double confidence, Random random, int resamples = Bootstrap.DefaultResamples) =>
        Bootstrap.Mean([.. Values(metric, slice).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)], confidence, random, resamples);
}
