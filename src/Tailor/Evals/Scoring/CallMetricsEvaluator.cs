using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Tailor.Evals.Scoring;

/// <summary>What a <see cref="CallMetricsEvaluator"/> reports about the call.</summary>
public enum CallMeasure
{
    /// <summary>Latency in milliseconds, from the <see cref="CallContext"/>.</summary>
    Latency,

    /// <summary>Cost: input and output tokens times their price per million; total tokens when no price is set.</summary>
    Cost,
}

/// <summary>
/// <c>latency</c> and <c>cost</c>: the call's latency (ms) or cost (or token count); passes at or under
/// <c>max</c> when one is set. Lower is better, so the 0..1 score is 1 when within the bound.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CallMetricsEvaluator(string metricName, CallMeasure measure, double? max, double? inputPrice = null, double? outputPrice = null)
    : TailorEvaluator(metricName)
{
    protected override ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        double value;
        string what;
        if (measure == CallMeasure.Latency)
        {
            if (context.OfType<CallContext>().FirstOrDefault() is not { } call)
            {
                return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Failed(MetricName, "no call timing was given (CallContext)"));
            }

            value = call.LatencyMs;
            what = $"{ScoreMetrics.F(value)} ms";
        }
        else
        {
            if (response.Usage is not { } usage || (usage.InputTokenCount is null && usage.OutputTokenCount is null))
            {
                return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Failed(MetricName, "the response reports no token usage"));
            }

            long input = usage.InputTokenCount ?? 0;
            long output = usage.OutputTokenCount ?? 0;
            if (inputPrice is null && outputPrice is null)
            {
                value = input + output;
                what = $"{input} + {output} tokens";
            }
            else
            {
                value = (input * (inputPrice ?? 0) + output * (outputPrice ?? 0)) / 1_000_000;
                what = $"cost {ScoreMetrics.F(value)} ({input} in, {output} out tokens)";
            }
        }

        bool passed = max is null || value <= max;
        string reason = max is null ? what : $"{what}, allowed at most {ScoreMetrics.F(max.Value)}";
        return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Create(MetricName, value, passed ? 1 : 0, passed, reason));
    }
}
