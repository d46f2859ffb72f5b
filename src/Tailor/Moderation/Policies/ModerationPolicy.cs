using System.Collections.Frozen;
using Tailor.Spec;

namespace Tailor.Moderation.Policies;

/// <summary>
/// The spec's policies compiled into one lookup: for each canonical category and side of the model, the action to
/// take, the policies behind it and the refusal to show. When several policies cover a category, the strictest action
/// wins (block &gt; redact &gt; flag &gt; allow) and the refusal comes from the first policy, in spec order, that blocks.
/// A category no policy names is flagged: recorded, never acted on. Routes can replace a policy's actions and turn a
/// side off.
/// </summary>
/// <remarks>Immutable and thread-safe once built.</remarks>
public sealed class ModerationPolicy
{
    /// <summary>What the user is told when a blocking policy sets no refusal of its own.</summary>
    public const string DefaultRefusal = "Sorry, I can't help with that request.";

    private static readonly IReadOnlyDictionary<string, double> NoThresholds = new Dictionary<string, double>();

    private readonly IReadOnlyList<Policy> _policies;
    private readonly FrozenDictionary<string, ModerationRouteSpec> _routes;
    private readonly FrozenDictionary<(string Category, ModerationDirection Direction, string Route), PolicyDecision> _decisions;
    private readonly bool _input;
    private readonly bool _output;

    public ModerationPolicy(IEnumerable<Policy> policies, bool input = true, bool output = true, IReadOnlyDictionary<string, ModerationRouteSpec>? routes = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        _policies = policies.ToArray();
        _input = input;
        _output = output;
        _routes = (routes ?? new Dictionary<string, ModerationRouteSpec>()).ToFrozenDictionary(StringComparer.Ordinal);

        var decisions = new Dictionary<(string, ModerationDirection, string), PolicyDecision>();
        foreach (string route in _routes.Keys.Append(""))
        {
            foreach ((string category, _) in ModerationCategories.All)
            {
                foreach (var direction in new[] { ModerationDirection.Input, ModerationDirection.Output })
                {
                    decisions[(category, direction, route)] = Compute(category, direction, route);
                }
            }
        }
        _decisions = decisions.ToFrozenDictionary();
    }

    /// <summary>The policy of a spec: its <c>policies:</c> with the <c>moderation:</c> switches and route overrides.</summary>
    public static ModerationPolicy FromSpec(TailorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ModerationPolicy(spec.Policies, spec.Moderation.Input, spec.Moderation.Output, spec.Moderation.Routes);
    }

    /// <summary>The policies, in spec order.</summary>
    public IReadOnlyList<Policy> Policies => _policies;

    /// <summary>Whether <paramref name="direction"/> is moderated on <paramref name="route"/> (null: no route).</summary>
    public bool IsEnabled(ModerationDirection direction, string? route = null)
    {
        var overrides = RouteOf(route);
        return direction == ModerationDirection.Input ? overrides?.Input ?? _input : overrides?.Output ?? _output;
    }

    /// <summary>The thresholds a route sets for itself (empty when none).</summary>
    public IReadOnlyDictionary<string, double> RouteThresholds(string? route) =>
        RouteOf(route)?.Thresholds ?? NoThresholds;

    /// <summary>The decision for <paramref name="category"/> on <paramref name="direction"/>; unknown categories are flagged.</summary>
    public PolicyDecision Decide(string category, ModerationDirection direction, string? route = null)
    {
        ArgumentNullException.ThrowIfNull(category);
        string key = route is not null && _routes.ContainsKey(route) ? route : "";
        return _decisions.TryGetValue((category, direction, key), out var decision)
            ? decision
            : new PolicyDecision(PolicyAction.Flag, [], null);
    }

    private ModerationRouteSpec? RouteOf(string? route) =>
        route is not null && _routes.TryGetValue(route, out var overrides) ? overrides : null;

    private PolicyDecision Compute(string category, ModerationDirection direction, string route)
    {
        var overrides = RouteOf(route.Length == 0 ? null : route);
        PolicyAction? strictest = null;
        string? refusal = null;
        bool blocked = false;
        var ids = new List<string>();
        foreach (var policy in _policies)
        {
            if (!policy.Categories.Contains(category))
            {
                continue;
            }

            ids.Add(policy.Id);
            var action = ActionOf(policy, direction, overrides);
            strictest = strictest is { } current ? PolicyActionStrictness.Strictest(current, action) : action;
            if (action == PolicyAction.Block && !blocked)
            {
                blocked = true;
                refusal = policy.Refusal;
            }
        }

        return new PolicyDecision(strictest ?? PolicyAction.Flag, ids, blocked ? refusal ?? DefaultRefusal : null);
    }

    private static PolicyAction ActionOf(Policy policy, ModerationDirection direction, ModerationRouteSpec? overrides)
    {
        var changed = overrides is not null && overrides.Policies.TryGetValue(policy.Id, out var o) ? o : null;
        return direction == ModerationDirection.Input
            ? changed?.Input ?? policy.Input
            : changed?.Output ?? policy.Output;
    }
}
