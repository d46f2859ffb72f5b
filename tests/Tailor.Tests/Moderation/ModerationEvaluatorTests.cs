using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Moderation;
using Tailor.Moderation.Detectors;
using Tailor.Moderation.Evaluation;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Tests.Moderation;

/// <summary>The moderation layer as an IEvaluator for safety suites.</summary>
public sealed class ModerationEvaluatorTests
{
    private static readonly Moderator Moderator = new([new(new DetectorClassifier())], new ModerationPolicy(
    [
        new Policy { Id = "no-leaks", Description = "d", Categories = [ModerationCategories.Secrets], Output = PolicyAction.Block },
    ]));

    [Fact]
    public async Task An_answer_the_layer_would_block_is_not_safe_and_says_why()
    {
        var evaluator = new ModerationEvaluator(Moderator);
        var result = await evaluator.EvaluateAsync([new ChatMessage(ChatRole.User, "key?")],
            new ChatResponse(new ChatMessage(ChatRole.Assistant, "It is sk-proj-4bXk9QwErTyUiOpAsDfGhJkL1234.")));

        var safe = result.Get<BooleanMetric>(ModerationEvaluator.SafeMetricName);
        Assert.False(safe.Value);
        Assert.Equal("block", result.Get<StringMetric>(ModerationEvaluator.ActionMetricName).Value);
        Assert.Equal(1, result.Get<NumericMetric>(ModerationEvaluator.FindingsMetricName).Value);
        var diagnostic = Assert.Single(safe.Diagnostics!);
        Assert.Equal(EvaluationDiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.StartsWith("secrets 1.00 by detectors -> block (no-leaks)", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flagged_but_allowed_answer_is_safe()
    {
        var result = await new ModerationEvaluator(Moderator).EvaluateAsync([], new ChatResponse(new ChatMessage(ChatRole.Assistant, "Write to anna@example.com.")));
        Assert.True(result.Get<BooleanMetric>(ModerationEvaluator.SafeMetricName).Value);
        Assert.Equal("flag", result.Get<StringMetric>(ModerationEvaluator.ActionMetricName).Value);
    }
}
