namespace Tailor.Spec.Coverage;

/// <summary>Everything that serves one objective or policy: the evals that test it, the gates that guard it, the moderation rules that enforce it, the examples that teach it.</summary>
public sealed record ClauseCoverage
{
    public required string Id { get; init; }
    public required ClauseKind Kind { get; init; }
    public required string Description { get; init; }

    /// <summary>Ids of the suites that name this clause, in their own tags or in a case's, in spec order.</summary>
    public IReadOnlyList<string> Suites { get; init; } = [];

    /// <summary>Cases that name it, directly or through their suite's tags.</summary>
    public IReadOnlyList<CaseReference> Cases { get; init; } = [];

    /// <summary>Ids of the gates whose <c>serves</c> names it.</summary>
    public IReadOnlyList<string> Gates { get; init; } = [];

    /// <summary>
    /// For a policy, one rule per category and direction whose action is not <see cref="PolicyAction.Allow"/>
    /// and whose direction the moderation section has on; always empty for an objective.
    /// </summary>
    public IReadOnlyList<ModerationRule> ModerationRules { get; init; } = [];

    /// <summary>Examples naming it, per dataset that has any.</summary>
    public IReadOnlyList<DatasetExampleCount> Datasets { get; init; } = [];

    /// <summary>Examples naming it across all datasets.</summary>
    public long DatasetExamples => Datasets.Sum(d => d.Examples);
}
