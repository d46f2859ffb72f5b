using Microsoft.Extensions.AI;

namespace Tailor.Gateway.Routing;

/// <summary>
/// One model a route can send a request to: its spec alias, its provider, the pipeline that reaches it, and the model id
/// it asks its provider for (recorded when an answer names no model, as a refusal made before any model was called).
/// </summary>
/// <remarks>Immutable; the client is shared by every request and must be thread-safe (all pipelines are).</remarks>
public sealed record RouteTarget(string Alias, string Provider, IChatClient Client, string ModelId);
