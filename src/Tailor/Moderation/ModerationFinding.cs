using Tailor.Spec;

namespace Tailor.Moderation;

/// <summary>A category the moderation layer found in a text, and what the policies do about it.</summary>
/// <param name="Category">The canonical category.</param>
/// <param name="Score">The highest score a classifier that found it gave (0..1).</param>
/// <param name="Threshold">The threshold it was compared with; null when the classifier's own judgement decided (a vendor's boolean, a detector's match).</param>
/// <param name="Action">The action the policies take for it on this side.</param>
/// <param name="Classifiers">The classifiers that found it.</param>
/// <param name="Policies">The policies that cover it; empty when none does (then it is only flagged).</param>
public sealed record ModerationFinding(
    string Category,
    double Score,
    double? Threshold,
    PolicyAction Action,
    IReadOnlyList<string> Classifiers,
    IReadOnlyList<string> Policies);
