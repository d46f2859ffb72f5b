using Microsoft.Extensions.AI;

namespace Tailor.Evals.Results;

/// <summary>Whether a case got an answer to score.</summary>
public enum CaseStatus
{
    /// <summary>The model answered and the answer was scored (it may still have failed its scorers).</summary>
    Ok,

    /// <summary>The call failed (an error after retries, a timeout); the case counts as failed.</summary>
    Error,
}

/// <summary>One scorer's verdict on one answer.</summary>
/// <param name="Metric">The metric name (<c>accuracy</c>, <c>judge</c>, <c>bleu</c>, ...).</param>
/// <param name="Value">The raw value (a 1-5 score, 0/1, a latency in ms); null when it could not be computed.</param>
/// <param name="Score">The value on a 0..1 scale, what the case's weighted score averages.</param>
/// <param name="Passed">Whether it passed its threshold.</param>
/// <param name="Weight">Its weight in the case's score.</param>
/// <param name="Reason">Why: the scorer's or judge's explanation.</param>
/// <param name="Diagnostics">Problems met while scoring, as <c>error: ...</c> / <c>warning: ...</c> lines.</param>
public sealed record MetricScore(string Metric, double? Value, double Score, bool Passed, double Weight, string? Reason, IReadOnlyList<string> Diagnostics);

/// <summary>One sample of one case in a run: the answer, how it was obtained, and every metric.</summary>
/// <remarks>Immutable.</remarks>
public sealed record CaseResult
{
    public required string RunId { get; init; }
    public required string CaseId { get; init; }

    /// <summary>Sample number, from 0 to the run's repeat count minus one.</summary>
    public int Repeat { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The conversation sent (as the suite wrote it, before the system prompt).</summary>
    public IReadOnlyList<ChatMessage> Input { get; init; } = [];

    public string? Expected { get; init; }

    /// <summary>The answer's text.</summary>
    public string Output { get; init; } = "";

    public CaseStatus Status { get; init; } = CaseStatus.Ok;

    /// <summary>What went wrong with the call, for <see cref="CaseStatus.Error"/>.</summary>
    public string? Error { get; init; }

    public double? LatencyMs { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }

    /// <summary>The answer came from the response cache, not the model.</summary>
    public bool Cached { get; init; }

    /// <summary>The recorded interaction in the store, when the call was recorded.</summary>
    public string? InteractionId { get; init; }

    /// <summary>Weighted mean of the metrics' 0..1 scores.</summary>
    public double Score { get; init; }

    public bool Passed { get; init; }

    public IReadOnlyList<MetricScore> Metrics { get; init; } = [];

    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Where the case is written (<c>evals/smoke.yaml:12</c>).</summary>
    public string? Location { get; init; }
}
