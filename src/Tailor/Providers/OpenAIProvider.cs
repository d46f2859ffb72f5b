using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI;
using Tailor.Spec;

namespace Tailor.Providers;

/// <summary>Provider <c>openai</c>: OpenAI's API (<c>https://api.openai.com/v1</c> unless <c>base_url</c> is set), with the key from <c>api_key_env</c> or <c>OPENAI_API_KEY</c>.</summary>
/// <remarks>Stateless and thread-safe. Clients it creates are <see cref="OpenAICompatibleChatClient"/>s.</remarks>
public sealed class OpenAIProvider : IModelProvider
{
    private static readonly RemoteProviderProfile Profile = new()
    {
        Name = "openai",
        DefaultBaseUri = new Uri("https://api.openai.com/v1/"),
        DefaultKeyVariable = "OPENAI_API_KEY",
        KeyConsoleUrl = "https://platform.openai.com/api-keys",
        RequiresModel = true,
        Dialect = ChatCompletionsDialect.OpenAI,
    };

    /// <inheritdoc />
    public string Name => Profile.Name;

    /// <inheritdoc />
    public IChatClient CreateClient(ModelSpec model, ProviderContext context) => Profile.CreateClient(model, context);
}
