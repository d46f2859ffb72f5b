using System.Globalization;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Judging;
using Tailor.Evals.Suites;

namespace Tailor.Evals.Scoring;

/// <summary>A scorer ready to run on one case: the evaluator, the judge it talks to (if any), its weight and metric.</summary>
public sealed record CaseScorer(ScorerSpec Spec, IEvaluator Evaluator, ChatConfiguration? Judge);

/// <summary>Turns a suite's <see cref="ScorerSpec"/> into the <see cref="IEvaluator"/> that scores one case.</summary>
/// <remarks>Stateless and thread-safe. A scorer that cannot be built (no judge, no classifier) becomes an evaluator that reports why, so the run goes on.</remarks>
public static class ScorerFactory
{
    public static CaseScorer Create(ScorerSpec spec, EvalCase evalCase, ScorerServices services)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(evalCase);
        ArgumentNullException.ThrowIfNull(services);
        string metric = spec.Metric;
        string? value = spec.Value ?? evalCase.Expected;
        IReadOnlyList<string> values = spec.Values.Count > 0 ? spec.Values : value is null ? [] : [value];
        ChatConfiguration? judge = null;
        IEvaluator evaluator;
        switch (spec.Type)
        {
            case ScorerTypes.IsJson:
                evaluator = new JsonEvaluator(metric, JsonCheck.Valid, schema: spec.Schema, negate: spec.Negate);
                break;
            case ScorerTypes.JsonSchema:
                evaluator = new JsonEvaluator(metric, JsonCheck.Schema, schema: spec.Schema, negate: spec.Negate);
                break;
            case ScorerTypes.JsonField:
                evaluator = new JsonEvaluator(metric, JsonCheck.FieldEquals, path: spec.Path, expected: value, negate: spec.Negate);
                break;
            case ScorerTypes.Numeric:
                evaluator = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                    ? new NumericEvaluator(metric, number, spec.Tolerance)
                    : new BrokenEvaluator(metric, $"numeric needs a number to compare with, got '{value}'");
                break;
            case ScorerTypes.F1:
                evaluator = new OverlapEvaluator(metric, OverlapMeasure.F1, values, spec.Threshold ?? 0.5);
                break;
            case ScorerTypes.Bleu:
                evaluator = new OverlapEvaluator(metric, OverlapMeasure.Bleu, values, spec.Threshold ?? 0.5);
                break;
            case ScorerTypes.RougeL:
                evaluator = new OverlapEvaluator(metric, OverlapMeasure.RougeL, values, spec.Threshold ?? 0.5);
                break;
            case ScorerTypes.Length:
                evaluator = new LengthEvaluator(metric, spec.Min, spec.Max, spec.Unit == "words");
                break;
            case ScorerTypes.Refusal:
                evaluator = new RefusalEvaluator(metric, spec.Expect == "refuse", services.PolicyRefusals);
                break;
            case ScorerTypes.Moderation:
                evaluator = services.Moderator is { } moderator
                    ? new ModerationEvaluator(metric, moderator, spec.Categories, spec.Threshold)
                    : new BrokenEvaluator(metric, "the moderation scorer needs the moderation layer, and none is configured");
                break;
            case ScorerTypes.Latency:
                evaluator = new CallMetricsEvaluator(metric, CallMeasure.Latency, spec.Max);
                break;
            case ScorerTypes.Cost:
                evaluator = new CallMetricsEvaluator(metric, CallMeasure.Cost, spec.Max, spec.InputPrice, spec.OutputPrice);
                break;
            case ScorerTypes.Judge:
                string? alias = spec.Judge ?? services.DefaultJudge;
                if (alias is null || services.Judges is null)
                {
                    evaluator = new BrokenEvaluator(metric, "the judge scorer needs a judge model: set 'judge: <alias>' in the suite or pass --judge");
                    break;
                }

                judge = new ChatConfiguration(services.Judges(alias));
                evaluator = new JudgeEvaluator(metric, spec.Rubric ?? evalCase.Expected ?? JudgePrompts.DefaultRubric,
                    spec.UseReference ? evalCase.Expected : null, spec.Scale == "pass-fail", spec.Threshold, spec.Prompt ?? services.JudgePrompt);
                break;
            default:
                evaluator = values.Count == 0
                    ? new BrokenEvaluator(metric, $"{spec.Type} has nothing to compare with: give it a value or the case an expected")
                    : new TextMatchEvaluator(metric, spec.Type, spec.Type is ScorerTypes.ContainsAll or ScorerTypes.ContainsAny or ScorerTypes.IContainsAll or ScorerTypes.IContainsAny ? values : [values[0]],
                        spec.IgnoreCase, spec.Negate);
                break;
        }

        return new CaseScorer(spec, evaluator, judge);
    }

    /// <summary>Reports, for every case it scores, why its scorer could not be built.</summary>
    private sealed class BrokenEvaluator(string metricName, string problem) : TailorEvaluator(metricName)
    {
        protected override ValueTask<EvaluationMetric> ScoreAsync(
            IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatResponse response, ChatConfiguration? chatConfiguration,
            IEnumerable<EvaluationContext> context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Failed(MetricName, problem));
    }
}
