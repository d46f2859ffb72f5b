using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Chat;

public static class SystemPromptChatClientBuilderExtensions
{
    /// <summary>Adds a <see cref="SystemPromptChatClient"/> that applies <paramref name="prompt"/> to every request.</summary>
    public static ChatClientBuilder UseSystemPrompt(
        this ChatClientBuilder builder, SystemPrompt? prompt, Action<SystemPromptChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            var client = new SystemPromptChatClient(inner, prompt);
            configure?.Invoke(client);
            return client;
        });
    }
}
