using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Chat;
using Tailor.Evals.Results;
using Tailor.Evals.Scoring;
using Tailor.Evals.Suites;
using Tailor.Spec;
using Tailor.Store;

namespace Tailor.Evals.Running;

/// <summary>
/// Runs a suite against a model: streams the cases, calls the model for each (case, sample) with at most
/// <see cref="EvalRunnerOptions.Concurrency"/> calls in flight and a per-call timeout, scores every answer
/// with the case's evaluators, and writes results to the store in batches as they finish. A run stopped
/// by a kill or Ctrl+C resumes where it stopped: answered samples are kept, the rest (and errored ones) run.
/// </summary>
/// <remarks>
/// Thread-safe: one runner may run several suites at once. Retries (with <c>Retry-After</c>) belong to
/// the model's client (see <c>max_retries</c> in the spec); caching to <see cref="ResponseCacheChatClient"/>.
/// </remarks>
public sealed class EvalRunner(EvalRunnerOptions options)
{
    private readonly EvalRunnerOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly UlidGenerator _ids = new(options.TimeProvider);

    /// <summary>
    /// Runs <paramref name="suite"/> against <paramref name="target"/>; with <paramref name="resumeRunId"/>, continues that run.
    /// Cancelling stops new calls, writes what finished, marks the run interrupted and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<EvalRunOutcome> RunAsync(
        EvalSuite suite, EvalTarget target, IEvalStore store, string? resumeRunId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(store);
        TimeProvider time = _options.TimeProvider;
        int repeat = _options.Repeat ?? suite.Repeat;
        long planned = await PlannedAsync(suite, cancellationToken).ConfigureAwait(false) * repeat;

        EvalRun run;
        IReadOnlySet<(string, int)> done;
        if (resumeRunId is not null)
        {
            run = await store.GetRunAsync(resumeRunId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"no eval run '{resumeRunId}' to resume");
            if (run.SuiteId != suite.Id || run.ModelAlias != target.Alias)
            {
                throw new InvalidOperationException(
                    $"run {run.Id} is suite '{run.SuiteId}' on model '{run.ModelAlias}', not suite '{suite.Id}' on '{target.Alias}'");
            }

            repeat = run.Repeat;
            done = await store.ReadDoneAsync(run.Id, cancellationToken).ConfigureAwait(false);
            await store.UpdateRunStatusAsync(run.Id, EvalRunStatus.Running, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            run = new EvalRun
            {
                Id = _ids.Next(),
                SuiteId = suite.Id,
                SuiteFile = suite.DisplayPath,
                SuiteHash = suite.ContentHash,
                ModelAlias = target.Alias,
                ModelId = target.ModelId,
                PromptVersion = target.PromptVersion,
                JudgeAlias = _options.JudgeAlias,
                StartedAt = time.GetUtcNow(),
                Repeat = repeat,
                PlannedResults = planned,
                Label = _options.Label,
                OptionsJson = OptionsJson(repeat),
            };
            await store.CreateRunAsync(run, cancellationToken).ConfigureAwait(false);
            done = new HashSet<(string, int)>();
        }

        var counters = new Counters { Total = planned, Done = done.Count };
        var diagnostics = new ConcurrentQueue<SpecDiagnostic>();
        var results = Channel.CreateBounded<CaseResult>(new BoundedChannelOptions(Math.Max(_options.BatchSize * 2, _options.Concurrency * 2))
        {
            SingleReader = true,
        });
        Task writer = WriteResultsAsync(results, store);

        Exception? failure = null;
        try
        {
            var work = WorkItems(suite, repeat, done, d =>
            {
                diagnostics.Enqueue(d);
                _options.OnDiagnostic?.Invoke(d);
            }, cancellationToken);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Concurrency), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(work, parallel, async (item, ct) =>
            {
                CaseResult result = await RunCaseAsync(run.Id, item.Case, item.Repeat, target, ct).ConfigureAwait(false);
                await results.Writer.WriteAsync(result, CancellationToken.None).ConfigureAwait(false);
                counters.Record(result);
                _options.Progress?.Report(counters.Snapshot());
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        results.Writer.TryComplete(); // already closed when the writer failed; awaiting it then throws why
        await writer.ConfigureAwait(false);

        bool cancelled = failure is OperationCanceledException && cancellationToken.IsCancellationRequested;
        var status = failure is null ? EvalRunStatus.Completed : cancelled ? EvalRunStatus.Interrupted : EvalRunStatus.Running;
        DateTimeOffset? completed = failure is null ? time.GetUtcNow() : null;
        await store.UpdateRunStatusAsync(run.Id, status, completed, CancellationToken.None).ConfigureAwait(false);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        run = run with { Status = status, CompletedAt = completed };
        return new EvalRunOutcome(run, counters.Executed, done.Count, counters.Passed, counters.Failed, counters.Errors, counters.CacheHits, [.. diagnostics]);
    }

    /// <summary>Runs and scores one sample of one case; a failed call becomes an error result, never an exception.</summary>
    public async Task<CaseResult> RunCaseAsync(string runId, EvalCase evalCase, int repeat, EvalTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evalCase);
        ArgumentNullException.ThrowIfNull(target);
        TimeProvider time = _options.TimeProvider;
        var context = new InteractionContext { Source = "eval", SessionId = $"{runId}/{evalCase.Id}/{repeat}" };
        var chatOptions = context.AttachTo(null);
        ChatResponse? response = null;
        string? error = null;
        long started = time.GetTimestamp();
        using (var timeout = new CancellationTokenSource(_options.Timeout ?? Timeout.InfiniteTimeSpan, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                response = await target.Client.GetResponseAsync(evalCase.Messages, chatOptions, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                error = $"no answer within {_options.Timeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s (the per-call timeout)";
            }
#pragma warning disable CA1031 // A failed call is this case's result; the run goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex.Message;
            }
        }

        double latency = time.GetElapsedTime(started).TotalMilliseconds;
        bool cached = response?.AdditionalProperties?.TryGetValue(ResponseCacheChatClient.CachedKey, out object? c) == true && c is true;
        if (response?.AdditionalProperties?.TryGetValue(ResponseCacheChatClient.LatencyKey, out object? l) == true && l is double original)
        {
            latency = original;
        }

        var result = new CaseResult
        {
            RunId = runId,
            CaseId = evalCase.Id,
            Repeat = repeat,
            Tags = evalCase.Tags,
            Input = evalCase.Messages,
            Expected = evalCase.Expected,
            Location = evalCase.Location,
            LatencyMs = latency,
            Cached = cached,
            InteractionId = context.Id,
        };

        if (response is null)
        {
            var noAnswer = evalCase.Scorers.Select(s => new MetricScore(s.Metric, null, 0, false, s.Weight, "no answer to score", [$"error: {error}"])).ToList();
            return result with { Status = CaseStatus.Error, Error = error, Metrics = Merge(noAnswer), CompletedAt = time.GetUtcNow() };
        }

        var metrics = new List<MetricScore>();
        IEnumerable<EvaluationContext> evaluationContext = [new CallContext(latency)];
        foreach (ScorerSpec spec in evalCase.Scorers)
        {
            CaseScorer scorer = ScorerFactory.Create(spec, evalCase, _options.Scorers);
            EvaluationResult evaluation = await scorer.Evaluator.EvaluateAsync(evalCase.Messages, response, scorer.Judge, evaluationContext, cancellationToken).ConfigureAwait(false);
            foreach (EvaluationMetric metric in evaluation.Metrics.Values)
            {
                metrics.Add(new MetricScore(
                    metric.Name,
                    ScoreMetrics.ValueOf(metric),
                    ScoreMetrics.ScoreOf(metric),
                    metric.Interpretation is { Failed: false } || (metric.Interpretation is null && ScoreMetrics.ScoreOf(metric) >= 0.5),
                    spec.Weight,
                    metric.Reason,
                    [.. (metric.Diagnostics ?? []).Select(d => $"{d.Severity.ToString().ToLowerInvariant()}: {d.Message}")]));
            }
        }

        var merged = Merge(metrics);
        double totalWeight = merged.Sum(m => m.Weight);
        double score = totalWeight > 0 ? merged.Sum(m => m.Score * m.Weight) / totalWeight : merged.Count == 0 ? 0 : merged.Average(m => m.Score);
        bool passed = evalCase.Threshold is { } threshold ? score >= threshold : merged.All(m => m.Passed);
        return result with
        {
            Output = response.Text,
            InputTokens = response.Usage?.InputTokenCount,
            OutputTokens = response.Usage?.OutputTokenCount,
            Score = score,
            Passed = passed,
            Metrics = merged,
            CompletedAt = time.GetUtcNow(),
        };
    }

    /// <summary>Scorers reporting the same metric name combine into one: weighted mean, passing only if all pass.</summary>
    private static List<MetricScore> Merge(List<MetricScore> metrics)
    {
        if (metrics.Select(m => m.Metric).Distinct(StringComparer.Ordinal).Count() == metrics.Count)
        {
            return metrics;
        }

        return [.. metrics.GroupBy(m => m.Metric, StringComparer.Ordinal).Select(g =>
        {
            if (g.Count() == 1)
            {
                return g.First();
            }

            double weight = g.Sum(m => m.Weight);
            double Mean(Func<MetricScore, double> f) => weight > 0 ? g.Sum(m => f(m) * m.Weight) / weight : g.Average(f);
            double? value = g.All(m => m.Value is not null) ? Mean(m => m.Value!.Value) : null;
            return new MetricScore(g.Key, value, Mean(m => m.Score), g.All(m => m.Passed), weight,
                string.Join(" | ", g.Select(m => m.Reason).OfType<string>()), [.. g.SelectMany(m => m.Diagnostics)]);
        })];
    }

    private async IAsyncEnumerable<(EvalCase Case, int Repeat)> WorkItems(
        EvalSuite suite, int repeat, IReadOnlySet<(string, int)> done, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken ct)
    {
        int taken = 0;
        await foreach (EvalCase c in SuiteCases.ReadAllAsync(suite, report, ct).ConfigureAwait(false))
        {
            if (_options.Filter is { } filter && !filter(c))
            {
                continue;
            }

            if (_options.Limit is { } limit && taken++ >= limit)
            {
                yield break;
            }

            for (int r = 0; r < repeat; r++)
            {
                if (!done.Contains((c.Id, r)))
                {
                    yield return (c, r);
                }
            }
        }
    }

    private async Task<long> PlannedAsync(EvalSuite suite, CancellationToken ct)
    {
        if (_options.Filter is null)
        {
            long count = await SuiteCases.CountAsync(suite, ct).ConfigureAwait(false);
            return _options.Limit is { } limit ? Math.Min(limit, count) : count;
        }

        // A filter needs the rows themselves: count what passes it (a streaming pass, nothing kept).
        long matching = 0;
        await foreach (EvalCase c in SuiteCases.ReadAllAsync(suite, _ => { }, ct).ConfigureAwait(false))
        {
            if (_options.Filter(c))
            {
                matching++;
            }
        }

        return _options.Limit is { } l ? Math.Min(l, matching) : matching;
    }

    /// <summary>
    /// One writer: waits for a result, gathers what else finishes within <see cref="EvalRunnerOptions.CommitInterval"/>
    /// (up to a batch), makes the recorded calls durable, then commits the results in one transaction.
    /// </summary>
    private async Task WriteResultsAsync(Channel<CaseResult> results, IEvalStore store)
    {
        var reader = results.Reader;
        var batch = new List<CaseResult>(_options.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                await GatherAsync(reader, batch).ConfigureAwait(false);
                if (_options.FlushRecordings is { } flush)
                {
                    await flush(CancellationToken.None).ConfigureAwait(false);
                }

                await store.AddResultsAsync(batch, CancellationToken.None).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (Exception e)
        {
            // Nobody reads any more: close the channel so the cases waiting to hand in a result stop instead of hanging.
            results.Writer.TryComplete(e);
            throw;
        }
    }

    private async Task GatherAsync(ChannelReader<CaseResult> reader, List<CaseResult> batch)
    {
        using var linger = new CancellationTokenSource(_options.CommitInterval);
        while (true)
        {
            while (batch.Count < _options.BatchSize && reader.TryRead(out CaseResult? result))
            {
                batch.Add(result);
            }

            if (batch.Count >= _options.BatchSize || linger.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (!await reader.WaitToReadAsync(linger.Token).ConfigureAwait(false))
                {
                    return; // the run is over: commit now
                }
            }
            catch (OperationCanceledException) when (linger.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private string OptionsJson(int repeat) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["concurrency"] = _options.Concurrency,
        ["timeout_s"] = _options.Timeout?.TotalSeconds,
        ["repeat"] = repeat,
        ["limit"] = _options.Limit,
        ["filtered"] = _options.Filter is not null,
    });

    private sealed class Counters
    {
        private long _done, _passed, _failed, _errors, _cacheHits, _executed;

        public long Total { get; init; }

        public long Done { init => _done = value; }

        public long Executed => Interlocked.Read(ref _executed);
        public long Passed => Interlocked.Read(ref _passed);
        public long Failed => Interlocked.Read(ref _failed);
        public long Errors => Interlocked.Read(ref _errors);
        public long CacheHits => Interlocked.Read(ref _cacheHits);

        public void Record(CaseResult result)
        {
            Interlocked.Increment(ref _done);
            Interlocked.Increment(ref _executed);
            if (result.Status == CaseStatus.Error)
            {
                Interlocked.Increment(ref _errors);
            }
            else if (result.Passed)
            {
                Interlocked.Increment(ref _passed);
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }

            if (result.Cached)
            {
                Interlocked.Increment(ref _cacheHits);
            }
        }

        public EvalProgress Snapshot() => new(Interlocked.Read(ref _done), Total, Passed, Failed, Errors, CacheHits);
    }
}
