using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Chat;

/// <summary>
/// What the middleware of one request learn about it, carried in <see cref="ChatOptions.AdditionalProperties"/>
/// so layers can tell each other (the system prompt layer says which prompt version it applied, the
/// moderation layer adds its verdicts) and the recording layer writes it all down.
/// </summary>
/// <remarks>
/// One instance per request. <see cref="ChatOptions.Clone"/> copies the reference, so every layer
/// below the one that attached it sees the same instance. Members are safe to set from any thread.
/// </remarks>
public sealed class InteractionContext
{
    /// <summary>The key under which the context travels in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    public const string PropertyKey = "tailor.interaction";

    /// <summary>Key of a per-request <see cref="Spec.SystemPrompt"/> that replaces the configured one.</summary>
    public const string SystemPromptOverrideKey = "tailor.system_prompt";

    public string? Id { get; set; }
    public string? Source { get; set; }
    public string? Route { get; set; }
    public string? Provider { get; set; }

    /// <summary>The model a router chose, recorded when the answer names none (the request's own model name otherwise).</summary>
    public string? ModelId { get; set; }
    public string? KeyId { get; set; }
    public string? SessionId { get; set; }

    /// <summary>The system prompt the model actually saw; set by <see cref="SystemPromptChatClient"/>.</summary>
    public SystemPrompt? AppliedPrompt { get; set; }

    /// <summary>Annotations from middleware (moderation verdicts, routing decisions), recorded as JSON.</summary>
    public ConcurrentDictionary<string, object?> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The request the log keeps instead of what the caller sent: moderation's redacted input, when the spec asks for it.</summary>
    public IReadOnlyList<ChatMessage>? LoggedRequest { get; set; }

    /// <summary>The context attached to <paramref name="options"/>, if any.</summary>
    public static InteractionContext? Get(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(PropertyKey, out var value) == true ? value as InteractionContext : null;

    /// <summary>
    /// Attaches this context to <paramref name="options"/> itself and returns them: for options made for this request
    /// alone (the gateway's, read from the request body), where a copy would only cost.
    /// </summary>
    public ChatOptions AttachToOwn(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[PropertyKey] = this;
        return options;
    }

    /// <summary>A copy of <paramref name="options"/> carrying this context; the caller's options are not changed.</summary>
    public ChatOptions AttachTo(ChatOptions? options)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.AdditionalProperties = copy.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(copy.AdditionalProperties);
        copy.AdditionalProperties[PropertyKey] = this;
        return copy;
    }
}
