using Tailor.Tuning.Aliases;
using Tailor.Tuning.Registry;

namespace Tailor.Tuning;

/// <summary>Filter for listing jobs; every criterion is optional.</summary>
public sealed record TuningJobQuery
{
    /// <summary>Jobs whose id starts with this.</summary>
    public string? IdPrefix { get; init; }

    public string? Backend { get; init; }

    /// <summary>Only jobs in one of these statuses.</summary>
    public IReadOnlyList<TuningJobStatus>? Statuses { get; init; }

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>Filter for listing registered models.</summary>
public sealed record ModelQuery
{
    /// <summary>Models whose id starts with this.</summary>
    public string? IdPrefix { get; init; }

    /// <summary>The model a job produced.</summary>
    public string? JobId { get; init; }

    public int Limit { get; init; } = 100;
}

/// <summary>
/// Where tuning jobs (with their events, metrics and checkpoints), the model registry and alias promotions live: the
/// project's store (SQLite by default, or the shared PostgreSQL).
/// </summary>
/// <remarks>
/// Thread-safe. Events merge by key and metrics and checkpoints by step, so saving the same snapshot twice changes
/// nothing. Unreachable databases surface as <see cref="Store.StoreUnavailableException"/>.
/// </remarks>
public interface ITuningStore
{
    Task CreateJobAsync(TuningJob job, CancellationToken cancellationToken = default);

    /// <summary>Saves <paramref name="job"/> and merges the progress in one transaction; returns the events that were new.</summary>
    /// <exception cref="KeyNotFoundException">No job has that id.</exception>
    Task<IReadOnlyList<TuningEvent>> SaveProgressAsync(
        TuningJob job, IReadOnlyList<TuningEvent> events, IReadOnlyList<TuningMetric> metrics, IReadOnlyList<TuningCheckpoint> checkpoints,
        CancellationToken cancellationToken = default);

    Task<TuningJob?> GetJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Jobs matching <paramref name="query"/>, newest first.</summary>
    IAsyncEnumerable<TuningJob> ListJobsAsync(TuningJobQuery query, CancellationToken cancellationToken = default);

    /// <summary>A job's events in order of arrival, after <paramref name="afterSequence"/>.</summary>
    IAsyncEnumerable<TuningEvent> ReadEventsAsync(string jobId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>A job's metrics by step.</summary>
    Task<IReadOnlyList<TuningMetric>> ReadMetricsAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>A job's checkpoints by step.</summary>
    Task<IReadOnlyList<TuningCheckpoint>> ReadCheckpointsAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Registers a model; with a <see cref="RegisteredModel.JobId"/>, also links the job to it.</summary>
    /// <exception cref="InvalidOperationException">The id is taken, or the job already has a model.</exception>
    Task AddModelAsync(RegisteredModel model, CancellationToken cancellationToken = default);

    Task<RegisteredModel?> GetModelAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Models matching <paramref name="query"/>, newest first.</summary>
    IAsyncEnumerable<RegisteredModel> ListModelsAsync(ModelQuery query, CancellationToken cancellationToken = default);

    Task AddAliasChangeAsync(AliasChange change, CancellationToken cancellationToken = default);

    /// <summary>Changes of <paramref name="alias"/> in <paramref name="specPath"/>, newest first (all aliases when null).</summary>
    IAsyncEnumerable<AliasChange> ListAliasChangesAsync(string specPath, string? alias, CancellationToken cancellationToken = default);

    /// <summary>Marks a change as undone.</summary>
    Task MarkRolledBackAsync(string changeId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
