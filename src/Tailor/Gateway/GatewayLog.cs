using Microsoft.Extensions.Logging;

namespace Tailor.Gateway;

/// <summary>
/// Every log message of the gateway, in one place with event ids. None takes a raw key, a prompt or an answer:
/// keys appear only as key ids, and request content goes to the interaction store, not to logs.
/// </summary>
public static partial class GatewayLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "A shadow request failed ({ErrorType}); it is recorded in the store")]
    public static partial void ShadowFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Route {Route}: model {Failed} failed, falling back to {Next}")]
    public static partial void FellBack(ILogger logger, string route, string failed, string next);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "The interaction store is unavailable; {Queued} records wait in the queue and will be retried: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, int queued, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "The interaction store is available again; writing {Queued} queued records")]
    public static partial void StoreRecovered(ILogger logger, int queued);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Interaction {InteractionId} could not be written: {Reason}")]
    public static partial void RecordRejected(ILogger logger, string interactionId, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Draining the interaction log: {Queued} records to write before exit")]
    public static partial void Draining(ILogger logger, int queued);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Shutdown deadline passed with {Queued} interaction records unwritten")]
    public static partial void DrainIncomplete(ILogger logger, int queued);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Key {KeyId} refused: {Reason}")]
    public static partial void KeyRefused(ILogger logger, string keyId, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "The key store is unavailable; key {KeyId} is served from the cache of {AgeSeconds:0}s ago")]
    public static partial void KeyFromStaleCache(ILogger logger, string keyId, double ageSeconds);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "Unhandled error in {Path} ({ErrorType}); answered 500")]
    public static partial void Unhandled(ILogger logger, string path, string errorType, Exception exception);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Tailor gateway listening on {Address}: routes {Routes}; store {Store}")]
    public static partial void Listening(ILogger logger, string address, string routes, string store);
}
