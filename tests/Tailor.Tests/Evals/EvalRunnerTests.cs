using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tailor.Evals.Results;
using Tailor.Evals.Running;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Testing;

namespace Tailor.Tests.Evals;

/// <summary>The runner against a real loopback server with scripted answers, latency and 429s, and real SQLite stores.</summary>
public sealed class EvalRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Suite(int cases, string extra = "")
    {
        var text = new StringBuilder($"id: many\n{extra}cases:\n");
        for (int i = 0; i < cases; i++)
        {
            text.Append($"  - id: c{i:D3}\n    input: question {i}\n    expected: \"echo: question {i}\"\n    tags: [answer]\n");
        }

        return text.ToString();
    }

    private static async Task<List<CaseResult>> ResultsAsync(EvalProject project, string runId) =>
        await project.Evals.ReadResultsAsync(runId, Ct).ToListAsync(Ct);

    [Fact]
    public async Task Every_case_is_answered_scored_stored_and_recorded_as_an_eval_interaction()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(5));
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 2 });

        var outcome = await runner.RunAsync(project.LoadSuite("evals/many.yaml"), project.Target(), project.Evals, cancellationToken: Ct);

        Assert.Equal(EvalRunStatus.Completed, outcome.Run.Status);
        Assert.Equal(5, outcome.Executed);
        Assert.Equal(5, outcome.Passed);
        var results = await ResultsAsync(project, outcome.Run.Id);
        Assert.Equal(["c000", "c001", "c002", "c003", "c004"], results.Select(r => r.CaseId));
        var first = results[0];
        Assert.Equal("echo: question 0", first.Output);
        Assert.True(first.Passed);
        var accuracy = Assert.Single(first.Metrics);
        Assert.Equal("accuracy", accuracy.Metric);
        Assert.Equal(1, accuracy.Value);
        Assert.Equal(["answer"], first.Tags);
        Assert.NotNull(first.InteractionId);

        var recorded = await project.Interactions.GetAsync(first.InteractionId!, Ct);
        Assert.NotNull(recorded);
        Assert.Equal("eval", recorded.Source);
        Assert.Equal("baseline", recorded.Route);
        Assert.Equal(5, await project.Interactions.CountAsync(new InteractionQuery { Source = "eval" }, Ct));
        var stored = await project.Evals.GetRunAsync(outcome.Run.Id, Ct);
        Assert.Equal(EvalRunStatus.Completed, stored!.Status);
        Assert.Equal(5, stored.PlannedResults);
        Assert.Equal("base-model", stored.ModelId);
    }

    [Fact]
    public async Task Results_finishing_within_the_commit_interval_share_a_commit_made_after_their_calls_are_durable()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(8));
        await using var recorder = new BufferedInteractionSink(project.Interactions);
        var evals = new CommitWatchingStore(project.Evals, project.Interactions);
        // An interval longer than the run: everything gathers into one commit, made as soon as the last case is done.
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 3, CommitInterval = TimeSpan.FromHours(1), FlushRecordings = recorder.FlushAsync });

        var outcome = await runner.RunAsync(project.LoadSuite("evals/many.yaml"), project.Target(sink: recorder), evals, cancellationToken: Ct);

        Assert.Equal(8, outcome.Passed);
        var commit = Assert.Single(evals.Commits);
        Assert.Equal(8, commit.Results);
        Assert.Equal(8, commit.InteractionsStored); // every result's call was in the log before the result was
    }

    [Fact(Timeout = 60_000)]
    public async Task A_store_that_fails_to_take_results_fails_the_run_instead_of_hanging_it()
    {
        var ct = TestContext.Current.CancellationToken; // the timeout's token
        await using var server = await FakeOpenAIServer.StartAsync(ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(20));
        var failing = new CommitWatchingStore(project.Evals, project.Interactions) { Failure = new InvalidOperationException("disk full") };
        // One result per commit and a queue of four: the cases fill it long before the run ends.
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 2, BatchSize = 1, CommitInterval = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(project.LoadSuite("evals/many.yaml"), project.Target(), failing, cancellationToken: ct));

        Assert.Equal("disk full", error.Message);
        Assert.True(server.Requests.Count < 20, "the run stops asking once its results cannot be stored");
    }

    [Fact]
    public async Task No_more_calls_are_in_flight_than_the_concurrency_limit()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Latency = TimeSpan.FromMilliseconds(250);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(12));
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 3 });

        var outcome = await runner.RunAsync(project.LoadSuite("evals/many.yaml"), project.Target(), project.Evals, cancellationToken: Ct);

        Assert.Equal(12, outcome.Passed);
        Assert.Equal(12, server.Requests.Count);
        Assert.Equal(3, server.MaxInFlight);
    }

    [Fact]
    public async Task A_rate_limited_call_waits_for_retry_after_then_succeeds()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromSeconds(7)));
        await using var project = EvalProject.Create(server.BaseUrl, maxRetries: 2);
        project.Write("evals/one.yaml", Suite(1));
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var runner = new EvalRunner(new EvalRunnerOptions { TimeProvider = time });

        var running = runner.RunAsync(project.LoadSuite("evals/one.yaml"), project.Target(time: time), project.Evals, cancellationToken: Ct);
        await server.WaitForRequestAsync(1, Ct);
        // The client now waits the 7 s the server asked for, on the injected clock. Advance it a second at a
        // time until the retry arrives: however late the client armed its timer, at least 7 s must pass.
        var retried = server.WaitForRequestAsync(2, Ct);
        int advanced = 0;
        while (!retried.IsCompleted && advanced < 60)
        {
            await Task.WhenAny(retried, Task.Delay(50, Ct));
            if (!retried.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                advanced++;
            }
        }

        await retried;
        Assert.InRange(advanced, 7, 59);
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(1, outcome.Passed);
        Assert.Equal(0, outcome.Errors);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_failed_call_is_an_error_result_the_run_goes_on_and_a_resume_retries_it()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = r => r.LastUserText == "question 2" && server.Requests.Count <= 3 ? FakeReply.Error(500, "boom") : null;
        await using var project = EvalProject.Create(server.BaseUrl, maxRetries: 0);
        project.Write("evals/many.yaml", Suite(4));
        var suite = project.LoadSuite("evals/many.yaml");
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 1 });

        var first = await runner.RunAsync(suite, project.Target(), project.Evals, cancellationToken: Ct);

        Assert.Equal(EvalRunStatus.Completed, first.Run.Status);
        Assert.Equal(3, first.Passed);
        Assert.Equal(1, first.Errors);
        var failed = (await ResultsAsync(project, first.Run.Id)).Single(r => r.CaseId == "c002");
        Assert.Equal(CaseStatus.Error, failed.Status);
        Assert.Contains("500", failed.Error, StringComparison.Ordinal);
        Assert.False(failed.Passed);
        Assert.Null(Assert.Single(failed.Metrics).Value);

        server.Responder = null;
        var resumed = await runner.RunAsync(suite, project.Target(), project.Evals, first.Run.Id, Ct);

        Assert.Equal(1, resumed.Executed);
        Assert.Equal(3, resumed.Skipped);
        Assert.Equal(5, server.Requests.Count);
        var all = await ResultsAsync(project, first.Run.Id);
        Assert.Equal(4, all.Count);
        Assert.All(all, r => Assert.True(r.Passed));
    }

    [Fact]
    public async Task A_second_run_is_answered_from_the_disk_cache_and_a_different_model_misses_it()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(6));
        var suite = project.LoadSuite("evals/many.yaml");
        var cache = new DiskResponseCache(Path.Combine(project.Directory, ".tailor", "cache"));
        var runner = new EvalRunner(new EvalRunnerOptions { Concurrency = 3 });

        var cold = await runner.RunAsync(suite, project.Target(cache: cache), project.Evals, cancellationToken: Ct);
        var warm = await runner.RunAsync(suite, project.Target(cache: cache), project.Evals, cancellationToken: Ct);

        Assert.Equal(0, cold.CacheHits);
        Assert.Equal(6, warm.CacheHits);
        Assert.Equal(6, server.Requests.Count);
        var coldResults = await ResultsAsync(project, cold.Run.Id);
        var warmResults = await ResultsAsync(project, warm.Run.Id);
        Assert.Equal(coldResults.Select(r => r.Output), warmResults.Select(r => r.Output));
        Assert.All(warmResults, r => Assert.True(r.Cached));
        Assert.All(warmResults, r => Assert.Null(r.InteractionId));
        Assert.Equal(coldResults.Select(r => r.LatencyMs), warmResults.Select(r => r.LatencyMs));

        var other = await runner.RunAsync(suite, project.Target("candidate", cache), project.Evals, cancellationToken: Ct);
        Assert.Equal(0, other.CacheHits);
        Assert.Equal(12, server.Requests.Count);
    }

    [Fact]
    public async Task An_interrupted_run_resumes_where_it_stopped_without_asking_again()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(10));
        var suite = project.LoadSuite("evals/many.yaml");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // Cases from c006 on hang until the run is stopped: the run is cut in the middle.
        server.Responder = r => string.CompareOrdinal(r.LastUserText, "question 6") >= 0 ? FakeReply.HangBeforeHeaders() : null;
        var progress = new List<EvalProgress>();
        var runner = new EvalRunner(new EvalRunnerOptions
        {
            Concurrency = 2,
            Progress = new SyncProgress<EvalProgress>(p =>
            {
                lock (progress)
                {
                    progress.Add(p);
                    if (p.Done == 6)
                    {
                        stop.CancelAfter(TimeSpan.FromMilliseconds(300));
                    }
                }
            }),
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(suite, project.Target(), project.Evals, cancellationToken: stop.Token));

        var run = Assert.Single(await project.Evals.ListRunsAsync(new EvalRunQuery(), Ct).ToListAsync(Ct));
        Assert.Equal(EvalRunStatus.Interrupted, run.Status);
        Assert.Equal(6, (await ResultsAsync(project, run.Id)).Count);
        int asked = server.Requests.Count;

        server.Responder = null;
        var resumed = await new EvalRunner(new EvalRunnerOptions { Concurrency = 2 }).RunAsync(suite, project.Target(), project.Evals, run.Id[..10], Ct);

        Assert.Equal(EvalRunStatus.Completed, resumed.Run.Status);
        Assert.Equal(4, resumed.Executed);
        Assert.Equal(6, resumed.Skipped);
        Assert.Equal(asked + 4, server.Requests.Count);
        var questions = server.Requests.Skip(asked).Select(r => r.LastUserText).Order(StringComparer.Ordinal);
        Assert.Equal(["question 6", "question 7", "question 8", "question 9"], questions);
        Assert.Equal(10, (await ResultsAsync(project, run.Id)).Count);
    }

    [Fact]
    public async Task Repeats_sample_each_case_several_times()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(3, "repeat: 3\n"));
        var outcome = await new EvalRunner(new EvalRunnerOptions()).RunAsync(project.LoadSuite("evals/many.yaml"), project.Target(), project.Evals, cancellationToken: Ct);

        Assert.Equal(9, outcome.Executed);
        var results = await ResultsAsync(project, outcome.Run.Id);
        Assert.Equal([0, 1, 2], results.Where(r => r.CaseId == "c001").Select(r => r.Repeat));
    }

    [Fact]
    public async Task A_bad_row_in_a_case_file_is_reported_with_its_line_and_the_other_rows_run()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/rows.jsonl", """
            {"id": "a", "input": "hello", "expected": "echo: hello", "tags": ["answer"]}
            {"id": "b", "input": "oops", "expected": 
            {"id": "c", "expected": "x"}
            {"id": "d", "input": "{{greeting}} there", "expected": "echo: hi there", "greeting": "hi"}
            """);
        project.Write("evals/rows.yaml", "id: rows\ncases_from: rows.jsonl\n");
        var diagnostics = new List<SpecDiagnostic>();

        var outcome = await new EvalRunner(new EvalRunnerOptions { OnDiagnostic = diagnostics.Add })
            .RunAsync(project.LoadSuite("evals/rows.yaml"), project.Target(), project.Evals, cancellationToken: Ct);

        Assert.Equal(2, outcome.Passed);
        Assert.Equal(2, outcome.Diagnostics.Count);
        Assert.Equal(2, diagnostics[0].Line);
        Assert.Contains("not valid JSON", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal("evals/rows.jsonl", diagnostics[0].File);
        Assert.Equal(3, diagnostics[1].Line);
        Assert.Equal("input", diagnostics[1].Field);
        Assert.Equal(["a", "d"], (await ResultsAsync(project, outcome.Run.Id)).Select(r => r.CaseId));
    }

    [Fact]
    public async Task A_call_past_the_per_call_timeout_is_an_error_result()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = r => r.LastUserText == "question 1" ? FakeReply.HangBeforeHeaders() : null;
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/many.yaml", Suite(3));

        var outcome = await new EvalRunner(new EvalRunnerOptions { Timeout = TimeSpan.FromMilliseconds(300) })
            .RunAsync(project.LoadSuite("evals/many.yaml"), project.Target(), project.Evals, cancellationToken: Ct);

        Assert.Equal(EvalRunStatus.Completed, outcome.Run.Status);
        Assert.Equal(2, outcome.Passed);
        Assert.Equal(1, outcome.Errors);
        var timedOut = (await ResultsAsync(project, outcome.Run.Id)).Single(r => r.Status == CaseStatus.Error);
        Assert.Equal("c001", timedOut.CaseId);
        Assert.Equal("no answer within 0.3s (the per-call timeout)", timedOut.Error);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>The real eval store, noting at each results commit how many results it holds and how many of their calls are already stored, or failing it.</summary>
    private sealed class CommitWatchingStore(IEvalStore inner, IInteractionStore interactions) : IEvalStore
    {
        public List<(int Results, int InteractionsStored)> Commits { get; } = [];

        /// <summary>Thrown by every results commit when set, as a full disk would.</summary>
        public Exception? Failure { get; init; }

        public async Task AddResultsAsync(IReadOnlyList<CaseResult> results, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            int stored = 0;
            foreach (var result in results)
            {
                if (result.InteractionId is { } id && await interactions.GetAsync(id, cancellationToken) is not null)
                {
                    stored++;
                }
            }

            Commits.Add((results.Count, stored));
            await inner.AddResultsAsync(results, cancellationToken);
        }

        public Task CreateRunAsync(EvalRun run, CancellationToken cancellationToken = default) => inner.CreateRunAsync(run, cancellationToken);

        public Task UpdateRunStatusAsync(string runId, EvalRunStatus status, DateTimeOffset? completedAt, CancellationToken cancellationToken = default) =>
            inner.UpdateRunStatusAsync(runId, status, completedAt, cancellationToken);

        public Task<EvalRun?> GetRunAsync(string idOrPrefix, CancellationToken cancellationToken = default) => inner.GetRunAsync(idOrPrefix, cancellationToken);

        public IAsyncEnumerable<EvalRun> ListRunsAsync(EvalRunQuery query, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

        public IAsyncEnumerable<CaseResult> ReadResultsAsync(string runId, CancellationToken cancellationToken = default) => inner.ReadResultsAsync(runId, cancellationToken);

        public Task<IReadOnlySet<(string CaseId, int Repeat)>> ReadDoneAsync(string runId, CancellationToken cancellationToken = default) => inner.ReadDoneAsync(runId, cancellationToken);

        public Task AddRatingsAsync(IReadOnlyList<HumanRating> ratings, CancellationToken cancellationToken = default) => inner.AddRatingsAsync(ratings, cancellationToken);

        public IAsyncEnumerable<HumanRating> ReadRatingsAsync(string? runId, CancellationToken cancellationToken = default) => inner.ReadRatingsAsync(runId, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
