namespace Tailor.Evals.Results;

/// <summary>Filter for listing runs; every criterion is optional.</summary>
public sealed record EvalRunQuery
{
    public string? SuiteId { get; init; }
    public string? ModelAlias { get; init; }
    public EvalRunStatus? Status { get; init; }

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>
/// Where eval runs, their case results and human ratings live (SQLite by default, beside the interaction log).
/// </summary>
/// <remarks>
/// Thread-safe. Results are written in batches as they come and read back as streams, so a run of a
/// million cases never has to fit in memory. A result written for an existing (run, case, sample) replaces it.
/// </remarks>
public interface IEvalStore : IAsyncDisposable
{
    Task CreateRunAsync(EvalRun run, CancellationToken cancellationToken = default);

    /// <summary>Sets a run's status (and completion time when it completed).</summary>
    Task UpdateRunStatusAsync(string runId, EvalRunStatus status, DateTimeOffset? completedAt, CancellationToken cancellationToken = default);

    /// <summary>Writes results in one durable transaction.</summary>
    Task AddResultsAsync(IReadOnlyList<CaseResult> results, CancellationToken cancellationToken = default);

    /// <summary>The run with this id, or the only run whose id starts with it; null when none (or several) match.</summary>
    Task<EvalRun?> GetRunAsync(string idOrPrefix, CancellationToken cancellationToken = default);

    /// <summary>Runs matching the query, newest first.</summary>
    IAsyncEnumerable<EvalRun> ListRunsAsync(EvalRunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every result of a run, ordered by case id then sample.</summary>
    IAsyncEnumerable<CaseResult> ReadResultsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The (case, sample) pairs of a run that already have an answered (not errored) result: what a resumed run skips.</summary>
    Task<IReadOnlySet<(string CaseId, int Repeat)>> ReadDoneAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces ratings (one per run, case, sample, rater and metric).</summary>
    Task AddRatingsAsync(IReadOnlyList<HumanRating> ratings, CancellationToken cancellationToken = default);

    /// <summary>Ratings of a run, or of every run when <paramref name="runId"/> is null.</summary>
    IAsyncEnumerable<HumanRating> ReadRatingsAsync(string? runId, CancellationToken cancellationToken = default);
}
