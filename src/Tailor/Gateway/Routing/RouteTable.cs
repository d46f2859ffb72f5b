using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Gateway.Routing;

/// <summary>
/// Every route of a spec with its targets built: one pipeline per model alias (built once, shared by every route
/// that names it). Disposing the table disposes the pipelines.
/// </summary>
/// <remarks>Immutable after construction; lookups are thread-safe.</remarks>
public sealed class RouteTable : IDisposable
{
    private readonly Dictionary<string, GatewayRoute> _routes;
    private readonly List<IChatClient> _clients;

    private RouteTable(Dictionary<string, GatewayRoute> routes, List<IChatClient> clients)
    {
        _routes = routes;
        _clients = clients;
    }

    /// <summary>Route names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _routes.Keys.Order(StringComparer.Ordinal)];

    public IEnumerable<GatewayRoute> Routes => _routes.Values;

    /// <summary>
    /// Builds the table for <see cref="TailorSpec.EffectiveRoutes"/>. <paramref name="createPipeline"/> makes the client
    /// for one model alias (the gateway uses <see cref="Chat.ChatPipeline"/> without recording: the route records).
    /// </summary>
    public static RouteTable Create(TailorSpec spec, Func<ModelSpec, IChatClient> createPipeline)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(createPipeline);
        var targets = new Dictionary<string, RouteTarget>(StringComparer.Ordinal);
        var clients = new List<IChatClient>();
        try
        {
            RouteTarget Target(string alias)
            {
                if (!targets.TryGetValue(alias, out var target))
                {
                    var model = spec.Models.TryGetValue(alias, out var found)
                        ? found
                        : throw new ArgumentException($"route names model alias '{alias}', which the spec does not define", nameof(spec));
                    var client = createPipeline(model);
                    clients.Add(client);
                    target = new RouteTarget(alias, model.Provider, client, model.Model ?? alias);
                    targets[alias] = target;
                }

                return target;
            }

            var routes = new Dictionary<string, GatewayRoute>(StringComparer.Ordinal);
            foreach (var (name, route) in spec.EffectiveRoutes)
            {
                routes[name] = new GatewayRoute(
                    route,
                    Target(route.Model),
                    [.. route.Fallbacks.Select(Target)],
                    route.Canary is { } canary ? Target(canary.Model) : null,
                    route.Shadow is { } shadow ? Target(shadow.Model) : null);
            }

            return new RouteTable(routes, clients);
        }
        catch
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            throw;
        }
    }

    public bool TryGet(string name, [NotNullWhen(true)] out GatewayRoute? route) => _routes.TryGetValue(name, out route);

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
