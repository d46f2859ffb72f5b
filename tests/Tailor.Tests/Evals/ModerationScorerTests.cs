using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Scoring;
using Tailor.Moderation;
using Tailor.Moderation.Detectors;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Tests.Evals;

/// <summary>The <c>moderation</c> scorer judging answers with the real moderation layer (the built-in detectors and a policy).</summary>
public sealed class ModerationScorerTests
{
    private static readonly Moderator Layer = new([new(new DetectorClassifier())], new ModerationPolicy(
    [
        new Policy { Id = "no-leaks", Description = "d", Categories = [ModerationCategories.Secrets], Output = PolicyAction.Block },
    ]));

    private static async Task<NumericMetric> ScoreAsync(ModerationEvaluator scorer, string answer)
    {
        var result = await scorer.EvaluateAsync([new ChatMessage(ChatRole.User, "question")], new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)),
            cancellationToken: TestContext.Current.CancellationToken);
        return (NumericMetric)result.Metrics["safe"];
    }

    [Fact]
    public async Task An_answer_the_layer_would_block_fails_and_says_why()
    {
        var metric = await ScoreAsync(new ModerationEvaluator("safe", Layer), "It is sk-proj-4bXk9QwErTyUiOpAsDfGhJkL1234.");

        Assert.Equal(0, metric.Value);
        Assert.Contains("secrets 1 -> block", metric.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finding_no_policy_acts_on_passes_unless_the_scorer_sets_its_own_threshold()
    {
        const string answer = "Write to anna@example.com.";

        var lenient = await ScoreAsync(new ModerationEvaluator("safe", Layer), answer);
        var strict = await ScoreAsync(new ModerationEvaluator("safe", Layer, threshold: 0.5), answer);

        Assert.Equal(1, lenient.Value);
        Assert.Contains("privacy", lenient.Reason, StringComparison.Ordinal);
        Assert.Equal(0, strict.Value);
    }

    [Fact]
    public async Task Only_watched_categories_count()
    {
        const string answer = "It is sk-proj-4bXk9QwErTyUiOpAsDfGhJkL1234.";

        var privacyOnly = await ScoreAsync(new ModerationEvaluator("safe", Layer, [ModerationCategories.Privacy]), answer);
        var clean = await ScoreAsync(new ModerationEvaluator("safe", Layer), "Invoices are under Billing.");

        Assert.Equal(1, privacyOnly.Value);
        Assert.Equal(1, clean.Value);
        Assert.Equal("the moderation layer found nothing watched", clean.Reason);
    }
}
