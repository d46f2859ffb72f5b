using Microsoft.Extensions.AI;

namespace Tailor.Evals.Suites;

/// <summary>
/// One case: the conversation sent to the model (its last message is the user's), what a good answer
/// looks like, the ids it serves and the scorers that judge the answer. Templates are already rendered.
/// </summary>
/// <remarks>Immutable; safe to share across threads. <see cref="Messages"/> must not be mutated.</remarks>
public sealed record EvalCase
{
    /// <summary>Unique within its suite.</summary>
    public required string Id { get; init; }

    /// <summary>The conversation up to the turn the model answers; several messages for a multi-turn case.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The expected output or a description of it; text scorers compare against it by default.</summary>
    public string? Expected { get; init; }

    /// <summary>Objective and policy ids this case serves, the suite's included.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The variables its templates were rendered with.</summary>
    public IReadOnlyDictionary<string, string> Vars { get; init; } = new Dictionary<string, string>();

    /// <summary>The scorers that judge it (its own, else the suite's defaults, else the default scorer).</summary>
    public IReadOnlyList<ScorerSpec> Scorers { get; init; } = [];

    /// <summary>Weighted score needed to pass; null means every scorer must pass.</summary>
    public double? Threshold { get; init; }

    /// <summary>Where the case is written: <c>evals/smoke.yaml:12</c> or <c>data/cases.jsonl:40</c>.</summary>
    public string Location { get; init; } = "";

    /// <summary>The text of the last user message: what the model is answering.</summary>
    public string Input => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
}
