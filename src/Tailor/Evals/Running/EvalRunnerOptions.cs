using Tailor.Evals.Scoring;
using Tailor.Evals.Suites;
using Tailor.Spec;

namespace Tailor.Evals.Running;

/// <summary>How an <see cref="EvalRunner"/> runs a suite.</summary>
/// <remarks>Read when a run starts; do not change it during a run.</remarks>
public sealed record EvalRunnerOptions
{
    /// <summary>Most model calls in flight at once (judge calls run inside a case's slot).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Longest a case's model call may take, retries included; null sets none (the provider's own timeouts still apply).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Samples per case; null uses the suite's <c>repeat</c>.</summary>
    public int? Repeat { get; init; }

    /// <summary>Only cases this accepts run (a tag filter); null runs all.</summary>
    public Func<EvalCase, bool>? Filter { get; init; }

    /// <summary>Run at most this many cases (the first ones); null runs all.</summary>
    public int? Limit { get; init; }

    /// <summary>Judges, the moderation classifier and refusal texts for the scorers.</summary>
    public ScorerServices Scorers { get; init; } = new();

    /// <summary>The judge alias stored with the run (for the record).</summary>
    public string? JudgeAlias { get; init; }

    /// <summary>A free label stored with the run.</summary>
    public string? Label { get; init; }

    /// <summary>Told after each result.</summary>
    public IProgress<EvalProgress>? Progress { get; init; }

    /// <summary>Told about each bad case row (the row is skipped, the run goes on).</summary>
    public Action<SpecDiagnostic>? OnDiagnostic { get; init; }

    /// <summary>Most results written in one transaction.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>
    /// How long the writer gathers finished results before committing them together: on a slow model, cases finish
    /// spread out, and one disk sync per case was most of a run's CPU. A kill loses at most this much work to resume.
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Makes the calls recorded so far durable (a <see cref="Store.BufferedInteractionSink"/>); called before each batch
    /// of results is committed, so a stored result never points at an interaction record still in memory.
    /// </summary>
    public Func<CancellationToken, ValueTask>? FlushRecordings { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
