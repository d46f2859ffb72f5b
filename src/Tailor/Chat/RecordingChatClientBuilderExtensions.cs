using Microsoft.Extensions.AI;
using Tailor.Store;

namespace Tailor.Chat;

public static class RecordingChatClientBuilderExtensions
{
    /// <summary>Adds a <see cref="RecordingChatClient"/> that hands every exchange to <paramref name="sink"/>.</summary>
    public static ChatClientBuilder UseRecording(
        this ChatClientBuilder builder, IInteractionSink sink, TimeProvider? timeProvider = null, Action<RecordingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        return builder.Use(inner =>
        {
            var client = new RecordingChatClient(inner, sink, timeProvider);
            configure?.Invoke(client);
            return client;
        });
    }
}
