using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Moderation.Evaluation;

/// <summary>
/// The moderation layer as a Microsoft.Extensions.AI.Evaluation evaluator, for safety suites: it judges a model's
/// answer (in its conversation) as the output side of the layer would, and reports whether the layer would have had to
/// step in. Metrics: <see cref="SafeMetricName"/> (true when no finding's action is redact or block),
/// <see cref="ActionMetricName"/> (allow, flag, redact or block) and <see cref="FindingsMetricName"/> (how many
/// categories were found). Findings and classifier failures are diagnostics; a failure is never a thrown exception.
/// </summary>
/// <remarks>Thread-safe when its moderator is (the built-in classifiers are).</remarks>
public sealed class ModerationEvaluator(Moderator moderator, string? route = null) : IEvaluator
{
    public const string SafeMetricName = "Moderation Safe";
    public const string ActionMetricName = "Moderation Action";
    public const string FindingsMetricName = "Moderation Findings";

    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [SafeMetricName, ActionMetricName, FindingsMetricName];

    /// <inheritdoc />
    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages, ChatResponse modelResponse, ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(modelResponse);
        var verdict = await moderator.ModerateAsync(
            new ModerationRequest(modelResponse.Text, ModerationDirection.Output, [.. messages]), route, cancellationToken).ConfigureAwait(false);

        bool intervened = verdict.Findings.Any(f => f.Action is PolicyAction.Redact or PolicyAction.Block) || verdict.Action == PolicyAction.Block;
        var safe = new BooleanMetric(SafeMetricName, !intervened, verdict.ToString());
        var action = new StringMetric(ActionMetricName, verdict.Action.ToName(), verdict.Escalation);
        var findings = new NumericMetric(FindingsMetricName, verdict.Findings.Count);
        var diagnostics = verdict.Findings
            .Select(f => new EvaluationDiagnostic(
                f.Action is PolicyAction.Block or PolicyAction.Redact ? EvaluationDiagnosticSeverity.Warning : EvaluationDiagnosticSeverity.Informational,
                string.Create(CultureInfo.InvariantCulture, $"{f.Category} {f.Score:0.00} by {string.Join("+", f.Classifiers)} -> {f.Action.ToName()}{(f.Policies.Count > 0 ? $" ({string.Join(", ", f.Policies)})" : "")}")))
            .Concat(verdict.Errors.Select(e => new EvaluationDiagnostic(EvaluationDiagnosticSeverity.Error, e)))
            .ToList();
        safe.AddDiagnostics(diagnostics);
        return new EvaluationResult(safe, action, findings);
    }
}
