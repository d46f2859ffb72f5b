namespace Tailor.Evals.Results;

/// <summary>Where an eval run stands.</summary>
public enum EvalRunStatus
{
    /// <summary>Started and not finished: still going, or stopped by a kill or Ctrl+C (resume it with its id).</summary>
    Running,

    /// <summary>Every case ran (some may have failed or errored).</summary>
    Completed,

    /// <summary>Stopped on purpose before the end (Ctrl+C); resumable like <see cref="Running"/>.</summary>
    Interrupted,
}

/// <summary>
/// One execution of a suite against one model: what ran, with which settings, and how far it got.
/// Its cases' outcomes are <see cref="CaseResult"/>s under the same <see cref="Id"/>.
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed record EvalRun
{
    /// <summary>ULID: sortable by start time.</summary>
    public required string Id { get; init; }

    public required string SuiteId { get; init; }

    /// <summary>The suite file as the user named it.</summary>
    public string SuiteFile { get; init; } = "";

    /// <summary>Content hash of the suite file when the run started.</summary>
    public string SuiteHash { get; init; } = "";

    /// <summary>The spec alias of the model under test.</summary>
    public required string ModelAlias { get; init; }

    /// <summary>The provider's model id, when known.</summary>
    public string? ModelId { get; init; }

    /// <summary>Version (content hash) of the system prompt the model ran with.</summary>
    public string? PromptVersion { get; init; }

    public string? JudgeAlias { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public EvalRunStatus Status { get; init; } = EvalRunStatus.Running;

    /// <summary>Samples per case.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Cases (times repeats) the suite holds, as counted when the run started.</summary>
    public long PlannedResults { get; init; }

    /// <summary>A free label (a git SHA, "nightly").</summary>
    public string? Label { get; init; }

    /// <summary>Runner settings, as JSON, for the record.</summary>
    public string? OptionsJson { get; init; }
}
