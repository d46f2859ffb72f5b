using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Scoring;

namespace Tailor.Evals.Judging;

/// <summary>
/// Pairwise LLM judging of a candidate answer against a baseline answer (<see cref="PairwiseContext"/>),
/// asked twice with the answers swapped to cancel the judge's position bias. The candidate wins (1) only when
/// both orders prefer it, loses (0) when both prefer the baseline, and ties (0.5) otherwise.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class PairwiseJudgeEvaluator(string metricName = PairwiseJudgeEvaluator.DefaultMetric) : TailorEvaluator(metricName)
{
    public const string DefaultMetric = "pairwise";

    protected override async ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        if (chatConfiguration is null)
        {
            return ScoreMetrics.Failed(MetricName, "no judge model for the pairwise comparison");
        }

        if (context.OfType<PairwiseContext>().FirstOrDefault() is not { } pair)
        {
            return ScoreMetrics.Failed(MetricName, "no baseline answer to compare with (PairwiseContext)");
        }

        var conversation = messages.ToList();
        string candidate = response.Text;
        // Order 1: candidate is A. Order 2: candidate is B.
        var first = await AskAsync(chatConfiguration, conversation, candidate, pair.BaselineText, pair, cancellationToken).ConfigureAwait(false);
        var second = await AskAsync(chatConfiguration, conversation, pair.BaselineText, candidate, pair, cancellationToken).ConfigureAwait(false);
        if ((first.Error ?? second.Error) is { } error)
        {
            return ScoreMetrics.Failed(MetricName, error);
        }

        int Vote(string winner, string candidateLetter) => winner == "tie" ? 0 : winner == candidateLetter ? 1 : -1;
        int v1 = Vote(first.Verdict!.Winner!, "A");
        int v2 = Vote(second.Verdict!.Winner!, "B");
        double value = v1 > 0 && v2 > 0 ? 1 : v1 < 0 && v2 < 0 ? 0 : 0.5;
        string outcome = value switch { 1 => "win", 0 => "loss", _ => v1 == v2 ? "tie" : "tie (the two orders disagree)" };
        string reason = $"{outcome}; candidate first: {first.Verdict.Reason} | baseline first: {second.Verdict.Reason}";
        var metric = ScoreMetrics.Create(MetricName, value, value, value >= 0.5, reason);
        metric.AddOrUpdateMetadata("tailor.pairwise", outcome.Split(' ')[0]);
        return metric;
    }

    private static async Task<(JudgeVerdict? Verdict, string? Error)> AskAsync(
        ChatConfiguration judge, List<ChatMessage> conversation, string a, string b, PairwiseContext pair, CancellationToken ct)
    {
        var request = JudgeRequest.Build(JudgePrompts.PairwiseSystem, JudgePrompts.Pairwise, new Dictionary<string, string>
        {
            ["conversation"] = JudgeRequest.Conversation(conversation),
            ["response_a"] = a,
            ["response_b"] = b,
            ["rubric"] = pair.Rubric ?? JudgePrompts.DefaultRubric,
            ["reference"] = pair.Reference ?? "(none)",
        });
        ChatResponse answer = await judge.ChatClient.GetResponseAsync(request, JudgeRequest.Options(), ct).ConfigureAwait(false);
        if (!JudgeVerdictParser.TryParse(answer.Text, out JudgeVerdict? verdict, out string? error))
        {
            return (null, error);
        }

        return verdict!.Winner is null ? (null, "the judge named no winner (A, B or tie)") : (verdict, null);
    }
}
