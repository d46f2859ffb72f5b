using Microsoft.Extensions.AI;

namespace Tailor.Gateway.Routing;

/// <summary>One model a route can send a request to: its spec alias, its provider and the pipeline that reaches it.</summary>
/// <remarks>Immutable; the client is shared by every request and must be thread-safe (all pipelines are).</remarks>
public sealed record RouteTarget(string Alias, string Provider, IChatClient Client);
