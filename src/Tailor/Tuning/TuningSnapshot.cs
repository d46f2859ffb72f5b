namespace Tailor.Tuning;

/// <summary>
/// What a backend knows about a job right now: its status, the events, metrics and checkpoints so far (all of them or
/// the recent ones; the store merges by key and step), and the output once it succeeded. Immutable.
/// </summary>
public sealed record TuningSnapshot
{
    public required TuningJobStatus Status { get; init; }

    /// <summary>The status in the backend's own words.</summary>
    public string? VendorStatus { get; init; }

    /// <summary>The backend's id for the job, once it has one.</summary>
    public string? ExternalId { get; init; }

    public int? Step { get; init; }

    public int? TotalSteps { get; init; }

    public long? TrainedTokens { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why it failed or stopped, when it did.</summary>
    public string? Error { get; init; }

    public IReadOnlyList<TuningEvent> Events { get; init; } = [];

    public IReadOnlyList<TuningMetric> Metrics { get; init; } = [];

    public IReadOnlyList<TuningCheckpoint> Checkpoints { get; init; } = [];

    public TuningOutput? Output { get; init; }

    /// <summary>Backend state to keep with the job (merged into <see cref="TuningJob.State"/>).</summary>
    public IReadOnlyDictionary<string, string>? State { get; init; }
}
