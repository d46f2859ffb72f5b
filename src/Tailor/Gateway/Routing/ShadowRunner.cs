using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Chat;
using Tailor.Store;

namespace Tailor.Gateway.Routing;

/// <summary>
/// Runs shadow requests: a second model answers the same request in the background; its answer is recorded (source
/// <c>gateway-shadow</c>, metadata <c>shadow_of</c> = the served interaction's id) and never returned. Shadows never
/// slow the served traffic: at most <see cref="MaxInFlight"/> run at once and the rest are skipped, not queued.
/// </summary>
/// <remarks>Thread-safe. <see cref="DrainAsync"/> waits for the shadows in flight (graceful shutdown).</remarks>
public sealed class ShadowRunner
{
    private readonly IInteractionSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;

    public ShadowRunner(IInteractionSink sink, int maxInFlight = 32, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        MaxInFlight = maxInFlight;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    public int MaxInFlight { get; }

    /// <summary>Shadow requests running now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Starts a shadow of the request; false when <see cref="MaxInFlight"/> are already running.</summary>
    public bool TryStart(string route, RouteTarget target, IReadOnlyList<ChatMessage> messages, ChatOptions options, InteractionContext? served)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_stopping.IsCancellationRequested || !_slots.Wait(0))
        {
            return false;
        }

        Interlocked.Increment(ref _inFlight);
        var context = new InteractionContext
        {
            Source = "gateway-shadow",
            Route = route,
            Provider = target.Provider,
            ModelId = target.ModelId,
            KeyId = served?.KeyId,
            SessionId = served?.SessionId,
        };
        context.Metadata["shadow_of"] = served?.Id;
        context.Metadata[RouteChatClient.MetadataKey] = new Dictionary<string, object?> { ["route"] = route, ["target"] = target.Alias, ["shadow"] = true };

        // Its own options: the served request's context must not be shared with (and overwritten by) the shadow.
        var shadowOptions = options.Clone();
        shadowOptions.AdditionalProperties = shadowOptions.AdditionalProperties is null ? null : new AdditionalPropertiesDictionary(shadowOptions.AdditionalProperties);
        shadowOptions.AdditionalProperties?.Remove(InteractionContext.PropertyKey);
        var recording = new RecordingChatClient(target.Client, _sink, _time);
        _ = RunAsync(recording, messages, context.AttachTo(shadowOptions));
        return true;
    }

    /// <summary>Stops starting shadows and waits (until <paramref name="cancellationToken"/>) for those in flight.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        while (InFlight > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(IChatClient recording, IReadOnlyList<ChatMessage> messages, ChatOptions options)
    {
        try
        {
            await Task.Yield();
            await recording.GetResponseAsync(messages, options, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A shadow's failure is recorded by the recording layer; it must never surface to the served request.
        catch (Exception e)
#pragma warning restore CA1031
        {
            GatewayLog.ShadowFailed(_logger, e.GetType().Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }
}
