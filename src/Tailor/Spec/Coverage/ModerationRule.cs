using Tailor.Moderation;
namespace Tailor.Spec.Coverage;

/// <summary>One rule a policy puts into the moderation layer: on this side, content in this category gets this action.</summary>
public sealed record ModerationRule(string Category, ModerationDirection Direction, PolicyAction Action);
