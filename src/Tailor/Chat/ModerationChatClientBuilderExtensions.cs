using Microsoft.Extensions.AI;
using Tailor.Moderation;

namespace Tailor.Chat;

public static class ModerationChatClientBuilderExtensions
{
    /// <summary>Adds a <see cref="ModerationChatClient"/> that checks input and output with <paramref name="moderator"/>.</summary>
    public static ChatClientBuilder UseModeration(this ChatClientBuilder builder, Moderator moderator, Action<ModerationChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(moderator);
        return builder.Use(inner =>
        {
            var client = new ModerationChatClient(inner, moderator);
            configure?.Invoke(client);
            return client;
        });
    }
}
