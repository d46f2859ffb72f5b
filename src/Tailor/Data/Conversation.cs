using System.Text.Json;

namespace Tailor.Data;

/// <summary>
/// One training example, the unit every dataset stage reads and writes: a chat conversation
/// (messages with roles, tool calls and per-message loss weights, the tools on offer, an optional
/// system prompt) or, for pretraining data, a plain <see cref="Text"/>. Tags name the spec's
/// objective and policy ids the example serves; <see cref="Source"/> carries its lineage.
/// </summary>
/// <remarks>
/// Immutable; safe to share across threads. Readers fill it from any supported format
/// (<see cref="DatasetFormat"/>) and writers turn it back into one; keys a format does not know
/// travel in <see cref="Metadata"/> so nothing the user wrote is dropped on a round trip.
/// </remarks>
public sealed record Conversation
{
    /// <summary>The messages in order; empty for a pretraining <see cref="Text"/> example.</summary>
    public IReadOnlyList<ConversationMessage> Messages { get; init; } = [];

    /// <summary>A system prompt given beside the messages (Mistral's top-level <c>system_prompt</c>); null when absent.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Functions the assistant may call in this example.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>Spec ids (objectives, policies) this example serves; read from <c>tags</c> or <c>metadata.tags</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Text of a pretraining example (<c>{"text": ...}</c>); null for a conversation.</summary>
    public string? Text { get; init; }

    /// <summary>Lineage: the file line or interaction it came from.</summary>
    public ConversationSource? Source { get; init; }

    /// <summary>
    /// The example's other top-level keys (<c>metadata</c>, <c>id</c>, <c>parallel_tool_calls</c>, and <c>tags</c> as
    /// written) as raw JSON in their original order, kept for the round trip. Writers emit <see cref="Tags"/>
    /// themselves only when neither <c>tags</c> nor <c>metadata.tags</c> is here.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = EmptyMetadata;

    /// <summary>True for a pretraining example.</summary>
    public bool IsText => Text is not null;

    /// <summary>The system prompt in effect: the top-level one, else the content of the first system message.</summary>
    public string? EffectiveSystemPrompt =>
        SystemPrompt ?? Messages.FirstOrDefault(m => m.Role == MessageRole.System)?.Content;

    internal static IReadOnlyDictionary<string, JsonElement> EmptyMetadata { get; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    public static Conversation FromText(string text) => new() { Text = text };

    public static Conversation Chat(params ConversationMessage[] messages) => new() { Messages = messages };
}
