using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Metrics;

namespace Tailor.Evals.Scoring;

/// <summary>Which overlap measure an <see cref="OverlapEvaluator"/> reports.</summary>
public enum OverlapMeasure
{
    /// <summary>SQuAD token F1 against the best-matching reference.</summary>
    F1,

    /// <summary>Sentence BLEU-4 against all references, smoothed (NLTK method 4).</summary>
    Bleu,

    /// <summary>ROUGE-L F1 against the best-matching reference.</summary>
    RougeL,
}

/// <summary>
/// Token-overlap metrics against reference answers: F1, BLEU, ROUGE-L. The value is in 0..1 and
/// passes at the threshold (0.5 unless the suite says otherwise, as in Microsoft.Extensions.AI.Evaluation's NLP evaluators).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class OverlapEvaluator : TailorEvaluator
{
    private readonly OverlapMeasure _measure;
    private readonly IReadOnlyList<string> _references;
    private readonly double _threshold;

    public OverlapEvaluator(string metricName, OverlapMeasure measure, IReadOnlyList<string> references, double threshold = 0.5)
        : base(metricName)
    {
        ArgumentNullException.ThrowIfNull(references);
        _measure = measure;
        _references = references;
        _threshold = threshold;
    }

    protected override ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        if (_references.Count == 0)
        {
            return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Failed(MetricName, "no reference to compare with"));
        }

        string output = response.Text;
        double value = _measure switch
        {
            OverlapMeasure.Bleu => Bleu.Sentence(
                [.. _references.Select(TextTokens.Words)], TextTokens.Words(output), smoothing: BleuSmoothing.Method4),
            OverlapMeasure.RougeL => _references.Max(r => RougeL.Score(r, output).F1),
            _ => _references.Max(r => TokenF1.Score(r, output).F1),
        };

        bool passed = value >= _threshold;
        return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Create(MetricName, value, value, passed,
            $"{MetricName} {ScoreMetrics.F(value)} {(passed ? ">=" : "<")} {ScoreMetrics.F(_threshold)}"));
    }
}
