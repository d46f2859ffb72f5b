using Tailor.Data.Stats;

namespace Tailor.Data.Tokens;

/// <summary>
/// Token figures of a dataset against a training plan: per-example distribution, examples that
/// the sequence length truncates, total and trained tokens, and the epochs a step budget amounts to.
/// </summary>
public sealed record TokenReport
{
    public required string Tokenizer { get; init; }
    public bool IsEstimate { get; init; }
    public long Examples { get; init; }
    public long Unreadable { get; init; }
    public required Distribution PerExample { get; init; }

    /// <summary>Tokens of the whole dataset, template markers included.</summary>
    public long TotalTokens { get; init; }

    /// <summary>Tokens loss is computed on (assistant messages with weight 1; all of a text).</summary>
    public long TrainedTokens { get; init; }

    public required TrainingPlan Plan { get; init; }

    /// <summary>Examples longer than the sequence length.</summary>
    public long Truncated { get; init; }

    /// <summary>Tokens cut off those examples.</summary>
    public long TruncatedTokens { get; init; }

    /// <summary>The first truncated lines, for the report.</summary>
    public IReadOnlyList<(long Line, int Tokens)> LongestLines { get; init; } = [];

    /// <summary>Passes over the data the plan makes: training tokens / dataset tokens; null without steps.</summary>
    public double? Epochs => Plan.TrainingTokens is { } t && TotalTokens > 0 ? Math.Round((double)t / TotalTokens, 3) : null;

    /// <summary>Estimates from tuning backends (time, cost), filled by <see cref="ITuningCostEstimator"/>s.</summary>
    public IReadOnlyList<CostEstimate> Estimates { get; init; } = [];
}
