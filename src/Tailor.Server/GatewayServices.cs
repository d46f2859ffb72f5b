using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Tailor.Gateway;
using Tailor.Gateway.Keys;
using Tailor.Gateway.Logging;
using Tailor.Gateway.Routing;
using Tailor.Store;

namespace Tailor.Server;

/// <summary>What the endpoints share: the routes (each a recording client over its routing client), keys, limits, the log writer and telemetry.</summary>
/// <remarks>Built once per gateway; every member is thread-safe.</remarks>
internal sealed class GatewayServices
{
    public required IGatewayStore Store { get; init; }
    public required RouteTable Routes { get; init; }

    /// <summary>Per route name: recording (to the group-commit writer) over routing over the model pipelines.</summary>
    public required IReadOnlyDictionary<string, IChatClient> RouteClients { get; init; }

    public required KeyAuthenticator Keys { get; init; }
    public required KeyLimiter Limits { get; init; }
    public required GroupCommitWriter Log { get; init; }
    public required ShadowRunner Shadows { get; init; }
    public required GatewayTelemetry Telemetry { get; init; }
    public required GatewayServerOptions Options { get; init; }
    public required TimeProvider Time { get; init; }
    public required UlidGenerator Ids { get; init; }
    public required ILogger Logger { get; init; }
}
