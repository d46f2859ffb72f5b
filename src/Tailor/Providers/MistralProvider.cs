using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI;
using Tailor.Spec;

namespace Tailor.Providers;

/// <summary>Provider <c>mistral</c>: Mistral's API (<c>https://api.mistral.ai/v1</c> unless <c>base_url</c> is set), with the key from <c>api_key_env</c> or <c>MISTRAL_API_KEY</c>.</summary>
/// <remarks>Stateless and thread-safe. Clients it creates are <see cref="OpenAICompatibleChatClient"/>s.</remarks>
public sealed class MistralProvider : IModelProvider
{
    private static readonly RemoteProviderProfile Profile = new()
    {
        Name = "mistral",
        DefaultBaseUri = new Uri("https://api.mistral.ai/v1/"),
        DefaultKeyVariable = "MISTRAL_API_KEY",
        KeyConsoleUrl = "https://console.mistral.ai/api-keys",
        RequiresModel = true,
        Dialect = ChatCompletionsDialect.Mistral,
    };

    /// <inheritdoc />
    public string Name => Profile.Name;

    /// <inheritdoc />
    public IChatClient CreateClient(ModelSpec model, ProviderContext context) => Profile.CreateClient(model, context);
}
