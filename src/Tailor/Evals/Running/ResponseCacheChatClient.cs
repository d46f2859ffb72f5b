using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Tailor.Store;

namespace Tailor.Evals.Running;

/// <summary>
/// Answers a request from a <see cref="DiskResponseCache"/> when the same model (<see cref="Scope"/>),
/// messages and options were answered before; otherwise asks the inner client and stores the answer.
/// A cached answer carries <see cref="CachedKey"/> = true; every answer carries the model call's latency under <see cref="LatencyKey"/>
/// in its <see cref="ChatResponse.AdditionalProperties"/>. Failed calls are never cached.
/// </summary>
/// <remarks>
/// Thread-safe. Streaming requests pass through uncached. The scope must name everything outside the
/// request that changes the answer: provider, base URL, model id, the system prompt's version.
/// </remarks>
public sealed class ResponseCacheChatClient : DelegatingChatClient
{
    public const string CachedKey = "tailor.cached";
    public const string LatencyKey = "tailor.latency_ms";

    private readonly DiskResponseCache _cache;
    private readonly TimeProvider _time;

    public ResponseCacheChatClient(IChatClient innerClient, DiskResponseCache cache, string scope, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        Scope = scope ?? throw new ArgumentNullException(nameof(scope));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>What, besides the request, the answer depends on.</summary>
    public string Scope { get; }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        string key = Key(request, options);
        if (_cache.TryGet(key) is { } hit)
        {
            var response = hit.Response;
            response.AdditionalProperties ??= [];
            response.AdditionalProperties[CachedKey] = true;
            response.AdditionalProperties[LatencyKey] = hit.LatencyMs;
            return response;
        }

        long started = _time.GetTimestamp();
        var answer = await base.GetResponseAsync(request, options, cancellationToken).ConfigureAwait(false);
        double latency = _time.GetElapsedTime(started).TotalMilliseconds;
        _cache.Store(key, answer, latency);
        // The same latency a later hit reports, so cold and warm runs agree.
        answer.AdditionalProperties ??= [];
        answer.AdditionalProperties[LatencyKey] = latency;
        return answer;
    }

    /// <summary>SHA-256 of the scope, the messages and the options that shape the answer.</summary>
    public string Key(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder(Scope).Append('\n')
            .Append(InteractionJson.SerializeMessages(messages)).Append('\n')
            .Append(InteractionJson.SerializeOptions(options));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
