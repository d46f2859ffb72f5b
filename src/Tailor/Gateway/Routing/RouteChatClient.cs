using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Tailor.Chat;

namespace Tailor.Gateway.Routing;

/// <summary>
/// Serves one <see cref="GatewayRoute"/>: picks the canary or the primary model, falls back through the route's
/// other models when one fails with 429, 5xx or no answer, and starts the shadow. What it decided is written to the
/// request's <see cref="InteractionContext"/> (provider, and <c>routing</c> metadata: target, canary, attempts) for the
/// recording layer above it.
/// </summary>
/// <remarks>
/// <para>Thread-safe. The caller's messages and options are not modified; targets get a copy of the options without the
/// public model name (each target's pipeline sends its own model id).</para>
/// <para>
/// A stream falls back only before its first token: updates are held back until one carries text or a tool call,
/// so a client never sees the beginning of one model's answer continued by another. After that, a failure ends
/// the stream with the error.
/// </para>
/// </remarks>
public sealed class RouteChatClient : IChatClient
{
    /// <summary>Key of the routing decision in <see cref="InteractionContext.Metadata"/>.</summary>
    public const string MetadataKey = "routing";

    private readonly GatewayRoute _route;
    private readonly ShadowRunner? _shadows;
    private readonly Random _random;
    private readonly Lock _randomGate = new();

    // The order models are tried in, without and with the canary first: fixed per route, so planned once.
    private readonly RouteTarget[] _targets;
    private readonly RouteTarget[] _canaryTargets;

    /// <param name="route">The route served.</param>
    /// <param name="shadows">Runs the route's shadow requests; null disables shadowing.</param>
    /// <param name="random">Draws for non-sticky canary splits and shadow percentages (seed it in tests).</param>
    public RouteChatClient(GatewayRoute route, ShadowRunner? shadows = null, Random? random = null)
    {
        _route = route ?? throw new ArgumentNullException(nameof(route));
        _shadows = shadows;
        _random = random ?? Random.Shared;
        _targets = Distinct([route.Primary, .. route.Fallbacks]);
        _canaryTargets = route.Canary is { } canary ? Distinct([canary, route.Primary, .. route.Fallbacks]) : _targets;
    }

    private static RouteTarget[] Distinct(IEnumerable<RouteTarget> order) => [.. order.DistinctBy(t => t.Alias)];

    /// <summary>Called when a target failed and the next is tried (for metrics): route, failed alias, next alias.</summary>
    public Action<string, string, string>? OnFallback { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var (targets, decision, context) = Plan(options);
        var targetOptions = ForTargets(options);
        StartShadow(request, targetOptions, context);
        for (int i = 0; ; i++)
        {
            var target = targets[i];
            Begin(decision, context, target);
            try
            {
                return await target.Client.GetResponseAsync(request, targetOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (i + 1 < targets.Length && !cancellationToken.IsCancellationRequested && FallbackPolicy.ShouldFallBack(e))
            {
                Failed(decision, target, targets[i + 1], e);
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var (targets, decision, context) = Plan(options);
        var targetOptions = ForTargets(options);
        StartShadow(request, targetOptions, context);

        IAsyncEnumerator<ChatResponseUpdate>? stream = null;
        var held = new List<ChatResponseUpdate>();
        var ended = false;
        try
        {
            for (int i = 0; stream is null; i++)
            {
                var target = targets[i];
                Begin(decision, context, target);
                var candidate = target.Client.GetStreamingResponseAsync(request, targetOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
                try
                {
                    // Hold updates back until the answer has really begun: until then another model may still take over.
                    while (true)
                    {
                        if (!await candidate.MoveNextAsync().ConfigureAwait(false))
                        {
                            ended = true;
                            break;
                        }

                        held.Add(candidate.Current);
                        if (HasContent(candidate.Current))
                        {
                            break;
                        }
                    }

                    stream = candidate;
                }
                catch (Exception e) when (i + 1 < targets.Length && !cancellationToken.IsCancellationRequested && FallbackPolicy.ShouldFallBack(e))
                {
                    await candidate.DisposeAsync().ConfigureAwait(false);
                    held.Clear();
                    Failed(decision, target, targets[i + 1], e);
                }
                catch
                {
                    await candidate.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            foreach (var update in held)
            {
                yield return update;
            }

            while (!ended && await stream.MoveNextAsync().ConfigureAwait(false))
            {
                yield return stream.Current;
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _route.Primary.Client.GetService(serviceType, serviceKey);
    }

    /// <summary>The targets are owned by the <see cref="RouteTable"/>; nothing to release here.</summary>
    public void Dispose()
    {
    }

    private (RouteTarget[] Targets, Dictionary<string, object?> Decision, InteractionContext? Context) Plan(ChatOptions? options)
    {
        var context = InteractionContext.Get(options);
        string? user = options?.AdditionalProperties?.TryGetValue("user", out var u) == true ? u as string : null;
        bool canary;
        lock (_randomGate)
        {
            canary = _route.Canary is not null && _route.Spec.Canary is { } split
                && TrafficSplit.ChoosesCanary(split, _route.Name, context?.KeyId, user, _random);
        }

        // Sized for the target Begin adds, so the dictionary is not grown on every request.
        var decision = new Dictionary<string, object?>(capacity: 4)
        {
            ["route"] = _route.Name,
            ["canary"] = canary,
            ["attempts"] = new List<Dictionary<string, object?>>(),
        };
        context?.Metadata[MetadataKey] = decision;
        return (canary ? _canaryTargets : _targets, decision, context);
    }

    private static void Begin(Dictionary<string, object?> decision, InteractionContext? context, RouteTarget target)
    {
        decision["target"] = target.Alias;
        context?.Provider = target.Provider;
        context?.ModelId = target.ModelId;
    }

    private void Failed(Dictionary<string, object?> decision, RouteTarget failed, RouteTarget next, Exception error)
    {
        ((List<Dictionary<string, object?>>)decision["attempts"]!).Add(new Dictionary<string, object?>
        {
            ["model"] = failed.Alias,
            ["error"] = $"{error.GetType().Name}: {error.Message}",
        });
        OnFallback?.Invoke(_route.Name, failed.Alias, next.Alias);
    }

    private void StartShadow(IReadOnlyList<ChatMessage> request, ChatOptions options, InteractionContext? context)
    {
        if (_shadows is null || _route.Shadow is not { } shadow || _route.Spec.Shadow is not { } spec)
        {
            return;
        }

        bool chosen;
        lock (_randomGate)
        {
            chosen = spec.Percent >= 100 || _random.NextDouble() * 100 < spec.Percent;
        }

        if (chosen)
        {
            bool started = _shadows.TryStart(_route.Name, shadow, request, options, context);
            context?.Metadata["shadow"] = started ? shadow.Alias : "skipped: too many shadow requests in flight";
        }
    }

    private static ChatOptions ForTargets(ChatOptions? options)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        // The client asked for the route's public name; each target sends its own model id.
        copy.ModelId = null;
        return copy;
    }

    private static bool HasContent(ChatResponseUpdate update) =>
        update.Contents.Any(c => c is TextContent { Text.Length: > 0 } or FunctionCallContent);
}
