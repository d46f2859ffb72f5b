using Tailor.Spec;

namespace Tailor.Moderation.Policies;

/// <summary>The order of strictness of policy actions: block &gt; redact &gt; flag &gt; allow. When two rules meet, the stricter wins.</summary>
public static class PolicyActionStrictness
{
    /// <summary>0 for allow up to 3 for block.</summary>
    public static int Rank(this PolicyAction action) => action switch
    {
        PolicyAction.Allow => 0,
        PolicyAction.Flag => 1,
        PolicyAction.Redact => 2,
        PolicyAction.Block => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown policy action"),
    };

    /// <summary>The stricter of the two actions.</summary>
    public static PolicyAction Strictest(PolicyAction a, PolicyAction b) => b.Rank() > a.Rank() ? b : a;

    /// <summary>The lower-case name used in tailor.yaml and in records.</summary>
    public static string ToName(this PolicyAction action) => action switch
    {
        PolicyAction.Allow => "allow",
        PolicyAction.Flag => "flag",
        PolicyAction.Redact => "redact",
        PolicyAction.Block => "block",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown policy action"),
    };
}
