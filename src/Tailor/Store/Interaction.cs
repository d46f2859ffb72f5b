using Microsoft.Extensions.AI;

namespace Tailor.Store;

/// <summary>How an exchange with a model ended.</summary>
public enum InteractionStatus
{
    Ok,
    Error,
    /// <summary>The caller stopped it (Ctrl+C, a closed connection); whatever was produced is kept.</summary>
    Cancelled,
}

/// <summary>
/// One exchange with a model, as the recording middleware saw it: what was asked, what came back,
/// which model and prompt version answered, and what it cost. The unit every later stage (datasets,
/// monitoring, evals) reads back.
/// </summary>
public sealed record Interaction
{
    /// <summary>ULID: sortable by time, unique across processes.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>What produced it: <c>chat</c>, <c>ask</c>, <c>gateway</c>, <c>eval</c>, ...</summary>
    public string Source { get; init; } = "";

    /// <summary>Gateway route or spec alias the caller asked for.</summary>
    public string? Route { get; init; }

    /// <summary>Provider that served it (<c>openai-compatible</c>, <c>mistral</c>, <c>local</c>, ...).</summary>
    public string? Provider { get; init; }

    /// <summary>Model id the provider reported (or was asked for, if it reported none).</summary>
    public string? ModelId { get; init; }

    public string? PromptId { get; init; }

    /// <summary>Content hash of the system prompt the model saw.</summary>
    public string? PromptVersion { get; init; }

    /// <summary>Full text of that system prompt; stored once per version.</summary>
    public string? PromptText { get; init; }

    /// <summary>Id of the API key (never the key) that made the request.</summary>
    public string? KeyId { get; init; }

    /// <summary>Conversation this exchange belongs to, for multi-turn sessions.</summary>
    public string? SessionId { get; init; }

    /// <summary>The messages as the caller sent them (before the system prompt was applied).</summary>
    public IReadOnlyList<ChatMessage> Request { get; init; } = [];

    /// <summary>Options the caller set (temperature, max tokens, ...), as JSON; null when none.</summary>
    public string? RequestOptionsJson { get; init; }

    /// <summary>The messages the model produced; partial when the exchange was cancelled or failed mid-stream.</summary>
    public IReadOnlyList<ChatMessage> Response { get; init; } = [];

    public string? FinishReason { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public bool Streamed { get; init; }
    public double? LatencyMs { get; init; }
    public double? TimeToFirstTokenMs { get; init; }
    public InteractionStatus Status { get; init; } = InteractionStatus.Ok;

    /// <summary>What went wrong, for <see cref="InteractionStatus.Error"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Free-form annotations from middleware (moderation verdicts, route decisions), as JSON.</summary>
    public string? MetadataJson { get; init; }
}
