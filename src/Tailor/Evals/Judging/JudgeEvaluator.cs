using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Scoring;

namespace Tailor.Evals.Judging;

/// <summary>
/// LLM as judge: asks the judge model (the <see cref="ChatConfiguration"/>'s client, any spec alias) to
/// grade the answer against a rubric, optionally against a reference answer, on a 1-5 scale or pass/fail,
/// with structured JSON output and a stated reason. Value: the 1-5 score (passes at 4 by default) or 1/0.
/// </summary>
/// <remarks>Immutable and thread-safe. A malformed judge answer is an error diagnostic on the metric, never an exception.</remarks>
public sealed class JudgeEvaluator : TailorEvaluator
{
    private readonly string _rubric;
    private readonly string? _reference;
    private readonly bool _passFail;
    private readonly double _threshold;
    private readonly string _template;

    /// <param name="metricName">The metric reported.</param>
    /// <param name="rubric">What a good answer does.</param>
    /// <param name="reference">The expected answer for reference-guided grading, or null.</param>
    /// <param name="passFail">Pass/fail instead of 1-5.</param>
    /// <param name="threshold">Score needed to pass on the 1-5 scale; 4 when null.</param>
    /// <param name="template">A prompt template replacing <see cref="JudgePrompts.Rubric"/>, or null.</param>
    public JudgeEvaluator(string metricName, string rubric, string? reference = null, bool passFail = false, double? threshold = null, string? template = null)
        : base(metricName)
    {
        _rubric = rubric;
        _reference = reference;
        _passFail = passFail;
        _threshold = threshold ?? 4;
        _template = template ?? JudgePrompts.Rubric;
    }

    protected override async ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        if (chatConfiguration is null)
        {
            return ScoreMetrics.Failed(MetricName, "no judge model: name one with 'judge:' in the suite or --judge");
        }

        var conversation = messages.ToList();
        var request = JudgeRequest.Build(JudgePrompts.RubricSystem, _template, new Dictionary<string, string>
        {
            ["conversation"] = JudgeRequest.Conversation(conversation),
            ["input"] = conversation.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "",
            ["output"] = response.Text,
            ["rubric"] = _rubric,
            ["reference"] = _reference ?? "(none)",
            ["scale"] = _passFail ? JudgePrompts.ScalePassFail : JudgePrompts.ScaleOneToFive,
        });
        ChatResponse answer = await chatConfiguration.ChatClient.GetResponseAsync(request, JudgeRequest.Options(), cancellationToken).ConfigureAwait(false);
        if (!JudgeVerdictParser.TryParse(answer.Text, out JudgeVerdict? verdict, out string? error))
        {
            return ScoreMetrics.Failed(MetricName, error!);
        }

        if (_passFail)
        {
            bool? pass = verdict!.Pass ?? (verdict.Score is { } s ? s >= _threshold : null);
            return pass is { } p
                ? ScoreMetrics.Check(MetricName, p, verdict.Reason)
                : ScoreMetrics.Failed(MetricName, "the judge gave no pass/fail verdict");
        }

        if (verdict!.Score is not { } score || score < 1 || score > 5)
        {
            return ScoreMetrics.Failed(MetricName, $"the judge gave no score from 1 to 5 (got {verdict.Score?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
        }

        return ScoreMetrics.Create(MetricName, score, (score - 1) / 4, score >= _threshold, verdict.Reason);
    }
}
