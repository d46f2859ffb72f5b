using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Chat;

/// <summary>Per-request system prompt override, read by <see cref="SystemPromptChatClient"/>.</summary>
public static class ChatOptionsSystemPromptExtensions
{
    /// <summary>A copy of <paramref name="options"/> whose requests use <paramref name="prompt"/> instead of the configured prompt.</summary>
    public static ChatOptions WithSystemPrompt(this ChatOptions? options, SystemPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var copy = options?.Clone() ?? new ChatOptions();
        copy.AdditionalProperties = copy.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(copy.AdditionalProperties);
        copy.AdditionalProperties[InteractionContext.SystemPromptOverrideKey] = prompt;
        return copy;
    }

    public static SystemPrompt? GetSystemPromptOverride(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(InteractionContext.SystemPromptOverrideKey, out var value) == true
            ? value as SystemPrompt
            : null;
}
