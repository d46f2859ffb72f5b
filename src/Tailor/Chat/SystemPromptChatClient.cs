using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Chat;

/// <summary>
/// Steers the model with the application's system prompt. A request can carry its own prompt
/// under <see cref="InteractionContext.SystemPromptOverrideKey"/> (see <see cref="ChatOptionsSystemPromptExtensions"/>).
/// The prompt applied, with its version, is written to the request's <see cref="InteractionContext"/>.
/// </summary>
/// <remarks>Thread-safe. Neither the caller's message list nor its options are modified.</remarks>
public sealed class SystemPromptChatClient : DelegatingChatClient
{
    public SystemPromptChatClient(IChatClient innerClient, SystemPrompt? prompt)
        : base(innerClient)
    {
        Prompt = prompt;
    }

    /// <summary>The configured prompt; null means only per-request prompts apply.</summary>
    public SystemPrompt? Prompt { get; }

    /// <summary>How the prompt combines with the caller's system messages.</summary>
    /// <value>Defaults to <see cref="SystemPromptMode.Prepend"/>.</value>
    public SystemPromptMode Mode { get; set; } = SystemPromptMode.Prepend;

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Apply(messages, options), options, cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(Apply(messages, options), options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private List<ChatMessage> Apply(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = options.GetSystemPromptOverride() ?? Prompt;
        var list = messages.ToList();
        if (prompt is null)
        {
            return list;
        }
        bool callerHasSystem = list.Exists(m => m.Role == ChatRole.System);
        if (Mode == SystemPromptMode.Default && callerHasSystem)
        {
            return list;
        }
        if (Mode == SystemPromptMode.Replace)
        {
            list.RemoveAll(m => m.Role == ChatRole.System);
        }
        list.Insert(0, new ChatMessage(ChatRole.System, prompt.Text));
        if (InteractionContext.Get(options) is { } context)
        {
            context.AppliedPrompt = prompt;
        }
        return list;
    }
}
