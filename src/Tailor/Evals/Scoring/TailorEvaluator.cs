using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Tailor.Evals.Scoring;

/// <summary>
/// Base of Tailor's single-metric evaluators: checks arguments, gets the response text, and turns an
/// unexpected exception from one odd row into an error diagnostic instead of a crash.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public abstract class TailorEvaluator : IEvaluator
{
    protected TailorEvaluator(string metricName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        MetricName = metricName;
        EvaluationMetricNames = [metricName];
    }

    /// <summary>The name of the one metric this evaluator reports.</summary>
    public string MetricName { get; }

    public IReadOnlyCollection<string> EvaluationMetricNames { get; }

    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(modelResponse);
        EvaluationMetric metric;
        try
        {
            metric = await ScoreAsync(messages, modelResponse, chatConfiguration, additionalContext ?? [], cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One bad row becomes a diagnostic on its metric; the run goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            metric = ScoreMetrics.Failed(MetricName, $"{GetType().Name} failed: {ex.Message}");
        }

        return new EvaluationResult(metric);
    }

    protected abstract ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken);
}
