using System.Globalization;
using Microsoft.Extensions.AI.Evaluation;

namespace Tailor.Evals.Scoring;

/// <summary>
/// How Tailor's evaluators shape their <see cref="NumericMetric"/>: the raw value in
/// <see cref="EvaluationMetric{T}.Value"/>, pass or fail in the <see cref="EvaluationMetricInterpretation"/>,
/// and the value on a 0..1 scale (what a case's weighted score averages) in metadata under <see cref="ScoreKey"/>.
/// </summary>
public static class ScoreMetrics
{
    /// <summary>Metadata key of the 0..1 score.</summary>
    public const string ScoreKey = "tailor.score";

    /// <summary>A metric with a value, its 0..1 score and whether it passed.</summary>
    public static NumericMetric Create(string name, double value, double score, bool passed, string? reason = null)
    {
        var metric = new NumericMetric(name, value, reason);
        metric.AddOrUpdateMetadata(ScoreKey, Math.Clamp(score, 0, 1).ToString("R", CultureInfo.InvariantCulture));
        metric.Interpretation = new EvaluationMetricInterpretation(
            passed ? EvaluationRating.Good : EvaluationRating.Unacceptable, failed: !passed, reason);
        return metric;
    }

    /// <summary>A pass/fail check: value 1 or 0.</summary>
    public static NumericMetric Check(string name, bool passed, string reason) => Create(name, passed ? 1 : 0, passed ? 1 : 0, passed, reason);

    /// <summary>A metric that could not be computed: no value, an error diagnostic, counted as failed.</summary>
    public static NumericMetric Failed(string name, string error)
    {
        var metric = new NumericMetric(name, null, error);
        metric.AddDiagnostics(EvaluationDiagnostic.Error(error));
        metric.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Inconclusive, failed: true, error);
        return metric;
    }

    /// <summary>The 0..1 score of a metric: the metadata one, else its value clamped, else 0.</summary>
    public static double ScoreOf(EvaluationMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (metric.Metadata?.TryGetValue(ScoreKey, out string? text) == true
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double score))
        {
            return score;
        }

        return metric switch
        {
            NumericMetric { Value: { } v } => Math.Clamp(v, 0, 1),
            BooleanMetric { Value: { } b } => b ? 1 : 0,
            _ => 0,
        };
    }

    /// <summary>The raw value of a metric (booleans as 1/0), or null.</summary>
    public static double? ValueOf(EvaluationMetric metric) => metric switch
    {
        NumericMetric n => n.Value,
        BooleanMetric { Value: { } b } => b ? 1 : 0,
        _ => null,
    };

    internal static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
