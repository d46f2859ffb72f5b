using Tailor.Spec;

namespace Tailor.Gateway.Routing;

/// <summary>A route ready to serve: its spec and the targets its aliases name.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class GatewayRoute
{
    public GatewayRoute(RouteSpec spec, RouteTarget primary, IReadOnlyList<RouteTarget> fallbacks, RouteTarget? canary, RouteTarget? shadow)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Primary = primary ?? throw new ArgumentNullException(nameof(primary));
        Fallbacks = fallbacks ?? [];
        Canary = canary;
        Shadow = shadow;
    }

    public string Name => Spec.Name;
    public RouteSpec Spec { get; }
    public RouteTarget Primary { get; }
    public IReadOnlyList<RouteTarget> Fallbacks { get; }
    public RouteTarget? Canary { get; }
    public RouteTarget? Shadow { get; }
}
