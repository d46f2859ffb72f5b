using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI;
using Tailor.Spec;

namespace Tailor.Providers;

/// <summary>Provider <c>openai-compatible</c>: any server that speaks the OpenAI chat-completions format: llama-server, vLLM, Ollama, LM Studio. Requires <c>base_url</c>; sends a key only when <c>api_key_env</c> names one.</summary>
/// <remarks>Stateless and thread-safe. Clients it creates are <see cref="OpenAICompatibleChatClient"/>s.</remarks>
public sealed class OpenAICompatibleProvider : IModelProvider
{
    private static readonly RemoteProviderProfile Profile = new()
    {
        Name = "openai-compatible",
        Dialect = ChatCompletionsDialect.OpenAICompatible,
    };

    /// <inheritdoc />
    public string Name => Profile.Name;

    /// <inheritdoc />
    public IChatClient CreateClient(ModelSpec model, ProviderContext context) => Profile.CreateClient(model, context);
}
