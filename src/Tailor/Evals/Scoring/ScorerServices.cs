using Microsoft.Extensions.AI;
using Tailor.Moderation;

namespace Tailor.Evals.Scoring;

/// <summary>What scorers may need beyond the case: judge models, the moderation classifier, the spec's refusal texts.</summary>
/// <remarks>Immutable after construction; the clients and classifier it hands out must be thread-safe.</remarks>
public sealed class ScorerServices
{
    /// <summary>The judge client for a model alias; null when judges are unavailable.</summary>
    public Func<string, IChatClient>? Judges { get; init; }

    /// <summary>The judge alias used by judge scorers that name none (the suite's <c>judge:</c> or <c>--judge</c>).</summary>
    public string? DefaultJudge { get; init; }

    /// <summary>A judge prompt template replacing the built-in one, for scorers that set none.</summary>
    public string? JudgePrompt { get; init; }

    /// <summary>The application's moderation layer for <c>moderation</c> scorers; null when none is configured.</summary>
    public Moderator? Moderator { get; init; }

    /// <summary>The spec's policy refusal texts, recognised by <c>refusal</c> scorers.</summary>
    public IReadOnlyList<string> PolicyRefusals { get; init; } = [];
}
