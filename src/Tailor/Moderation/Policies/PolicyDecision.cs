using Tailor.Spec;

namespace Tailor.Moderation.Policies;

/// <summary>What the policies say about one category on one side of the model.</summary>
/// <param name="Action">The strictest action of the policies that cover the category; <see cref="PolicyAction.Flag"/> when none does.</param>
/// <param name="PolicyIds">The policies that cover the category (all of them, in spec order).</param>
/// <param name="Refusal">The refusal of the first policy that blocks it (<see cref="ModerationPolicy.DefaultRefusal"/> when it sets none); null when none blocks.</param>
public sealed record PolicyDecision(PolicyAction Action, IReadOnlyList<string> PolicyIds, string? Refusal);
