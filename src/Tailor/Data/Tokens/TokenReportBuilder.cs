using Tailor.Data.Stats;

namespace Tailor.Data.Tokens;

/// <summary>Accumulates a <see cref="TokenReport"/> over a stream of examples.</summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class TokenReportBuilder(ITokenCounter counter, TrainingPlan plan)
{
    private readonly List<int> _counts = [];
    private readonly List<(long, int)> _longest = [];
    private long _total, _trained, _truncated, _truncatedTokens, _unreadable;

    public TokenCount Add(Conversation conversation, long line)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var count = counter.Count(conversation);
        _counts.Add(count.Total);
        _total += count.Total;
        _trained += count.Trained;
        if (count.Total > plan.SequenceLength)
        {
            _truncated++;
            _truncatedTokens += count.Total - plan.SequenceLength;
            if (_longest.Count < 10)
            {
                _longest.Add((line, count.Total));
            }
        }
        return count;
    }

    public void AddUnreadable() => _unreadable++;

    public TokenReport Build(IEnumerable<ITuningCostEstimator>? estimators = null)
    {
        var report = new TokenReport
        {
            Tokenizer = counter.Name,
            IsEstimate = counter.IsEstimate,
            Examples = _counts.Count,
            Unreadable = _unreadable,
            PerExample = Distribution.Of(_counts),
            TotalTokens = _total,
            TrainedTokens = _trained,
            Plan = plan,
            Truncated = _truncated,
            TruncatedTokens = _truncatedTokens,
            LongestLines = _longest,
        };
        return estimators is null ? report : report with { Estimates = estimators.Select(e => e.Estimate(report)).ToList() };
    }
}
