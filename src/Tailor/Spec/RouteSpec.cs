namespace Tailor.Spec;

/// <summary>
/// A public model name of the gateway (what clients send as <c>model</c>) and where its traffic goes: a primary
/// model alias, optionally a canary that takes a share of it, a shadow that also answers (logged, never returned),
/// and fallbacks tried in order when a model fails with 429, 5xx or a timeout before its first token.
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed record RouteSpec
{
    /// <summary>The name clients ask for (<c>"model": "support"</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The model alias that answers by default.</summary>
    public required string Model { get; init; }

    /// <summary>Model aliases tried in order after a retryable failure (429, 5xx, timeout) before the first token.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    public CanarySpec? Canary { get; init; }

    public ShadowSpec? Shadow { get; init; }
}

/// <summary>What keeps a caller on the same side of a canary split.</summary>
public enum StickyBy
{
    /// <summary>The API key: every request of a key goes to the same model.</summary>
    Key,

    /// <summary>The request's <c>user</c> field (the key when absent).</summary>
    User,

    /// <summary>Each request is drawn independently.</summary>
    None,
}

/// <summary>A share of a route's traffic sent to another model (a tuned candidate, say).</summary>
public sealed record CanarySpec
{
    public required string Model { get; init; }

    /// <summary>Share of traffic, 0 to 100.</summary>
    public required double Percent { get; init; }

    public StickyBy Sticky { get; init; } = StickyBy.Key;
}

/// <summary>A model that answers a share of a route's requests in the background: its answer is logged, not returned.</summary>
public sealed record ShadowSpec
{
    public required string Model { get; init; }

    /// <summary>Share of requests shadowed, 0 to 100.</summary>
    public double Percent { get; init; } = 100;
}
