using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Tailor.Evals.Scoring;

/// <summary>
/// <c>numeric</c>: the first number in the output equals the expected number within an absolute
/// tolerance. Value 1 when it does. Commas as thousands separators are ignored.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed partial class NumericEvaluator : TailorEvaluator
{
    private readonly double _expected;
    private readonly double _tolerance;

    public NumericEvaluator(string metricName, double expected, double tolerance) : base(metricName)
    {
        _expected = expected;
        _tolerance = tolerance;
    }

    [GeneratedRegex(@"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    protected override ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        Match match = NumberPattern().Match(response.Text);
        if (!match.Success)
        {
            return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Check(MetricName, false, "the output contains no number"));
        }

        double found = double.Parse(match.Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
        bool passed = Math.Abs(found - _expected) <= _tolerance;
        return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Check(MetricName, passed,
            $"found {ScoreMetrics.F(found)}, expected {ScoreMetrics.F(_expected)} ± {ScoreMetrics.F(_tolerance)}"));
    }
}
