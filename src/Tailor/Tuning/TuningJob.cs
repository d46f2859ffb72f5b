using Tailor.Data.Tokens;

namespace Tailor.Tuning;

/// <summary>
/// A tuning job as the store keeps it: its recipe, where it stands, and what it produced. The backend owns the truth
/// while the job runs; <see cref="TuningJobManager.RefreshAsync"/> copies it here, so <c>tailor tune status</c> works
/// after the CLI that started the job has exited. Immutable: changes are new instances.
/// </summary>
public sealed record TuningJob
{
    /// <summary>Tailor's id: <c>ft-</c> + a ULID (sortable by creation time).</summary>
    public required string Id { get; init; }

    public required TuningRequest Request { get; init; }

    public string Backend => Request.Backend;

    /// <summary>The backend's own id (Mistral's job UUID, OpenAI's <c>ftjob-…</c>); the job id itself for local jobs.</summary>
    public string? ExternalId { get; init; }

    public TuningJobStatus Status { get; init; } = TuningJobStatus.Created;

    /// <summary>The status in the backend's own words (<c>RUNNING</c>, <c>validating_files</c>, <c>worker exited 137</c>).</summary>
    public string? VendorStatus { get; init; }

    /// <summary>Where the job keeps its files: prepared data, and for local jobs the worker's events, checkpoints and output.</summary>
    public required string WorkDirectory { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The last completed step, when the backend reports steps.</summary>
    public int? Step { get; init; }

    public int? TotalSteps { get; init; }

    public long? TrainedTokens { get; init; }

    /// <summary>Why it failed or stopped, in the backend's words plus what to do.</summary>
    public string? Error { get; init; }

    /// <summary>What it produced, once it succeeded.</summary>
    public TuningOutput? Output { get; init; }

    /// <summary>The registry entry of <see cref="Output"/>, once registered.</summary>
    public string? RegisteredModelId { get; init; }

    /// <summary>The estimate made before it started.</summary>
    public CostEstimate? Estimate { get; init; }

    /// <summary>Whatever the backend needs to find the job again (uploaded file ids, the worker's process id).</summary>
    public IReadOnlyDictionary<string, string> State { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
