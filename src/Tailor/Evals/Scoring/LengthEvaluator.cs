using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Metrics;

namespace Tailor.Evals.Scoring;

/// <summary><c>length</c>: the output's length in characters or words; passes inside [min, max] (either bound optional).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class LengthEvaluator(string metricName, double? min, double? max, bool words) : TailorEvaluator(metricName)
{
    protected override ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        string text = response.Text;
        double length = words ? TextTokens.Words(text).Count : text.Length;
        bool passed = (min is null || length >= min) && (max is null || length <= max);
        string unit = words ? "words" : "characters";
        string bounds = (min, max) switch
        {
            ({ } lo, { } hi) => $"{ScoreMetrics.F(lo)} to {ScoreMetrics.F(hi)}",
            ({ } lo, null) => $"at least {ScoreMetrics.F(lo)}",
            (null, { } hi) => $"at most {ScoreMetrics.F(hi)}",
            _ => "any length",
        };
        return ValueTask.FromResult<EvaluationMetric>(
            ScoreMetrics.Create(MetricName, length, passed ? 1 : 0, passed, $"{ScoreMetrics.F(length)} {unit}, allowed {bounds}"));
    }
}
