using Tailor.Providers.OpenAI;
using Tailor.Spec;

namespace Tailor.Providers;

/// <summary>
/// What distinguishes one remote provider from another (default URL, key variable, dialect), and the one routine
/// that turns a <see cref="ModelSpec"/> into an <see cref="OpenAICompatibleChatClient"/> with it.
/// </summary>
internal sealed record RemoteProviderProfile
{
    public required string Name { get; init; }

    /// <summary>API root used when the spec sets no <c>base_url</c>; null makes <c>base_url</c> required.</summary>
    public Uri? DefaultBaseUri { get; init; }

    /// <summary>Key variable used when the spec sets no <c>api_key_env</c>; null means no key unless the spec names one.</summary>
    public string? DefaultKeyVariable { get; init; }

    /// <summary>Where to get a key, for the missing-key hint.</summary>
    public string? KeyConsoleUrl { get; init; }

    /// <summary>Whether the spec must name a model id (hosted APIs serve many models; a llama-server serves one).</summary>
    public bool RequiresModel { get; init; }

    public required ChatCompletionsDialect Dialect { get; init; }

    public OpenAICompatibleChatClient CreateClient(ModelSpec model, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);

        var baseUri = model.BaseUrl ?? DefaultBaseUri ?? throw new ModelProviderException(
            $"model '{model.Alias}' uses provider {Name} but has no base_url",
            "add the server's API root to it in tailor.yaml, e.g. `base_url: http://localhost:8080/v1`",
            provider: Name);

        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ModelProviderException(
                $"model '{model.Alias}' has base_url '{baseUri}', which is not an http(s) URL",
                "write the full API root, e.g. `base_url: http://localhost:8080/v1`",
                provider: Name);
        }

        if (RequiresModel && string.IsNullOrWhiteSpace(model.Model))
        {
            throw new ModelProviderException(
                $"model '{model.Alias}' uses provider {Name} but names no model id",
                $"add the {Name} model id to it in tailor.yaml, e.g. `model: {ExampleModel}`",
                provider: Name);
        }

        if (model.Options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ModelProviderException($"model '{model.Alias}' has timeout {timeout}, which is not positive", "set e.g. `timeout: 60s`", provider: Name);
        }

        if (model.Options.MaxRetries is < 0)
        {
            throw new ModelProviderException($"model '{model.Alias}' has max_retries {model.Options.MaxRetries}, which is negative", "set 0 to disable retries", provider: Name);
        }

        var keyVariable = model.ApiKeyEnv ?? DefaultKeyVariable;
        string? key = null;
        if (keyVariable is not null)
        {
            key = context.GetEnvironmentVariable(keyVariable);
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ModelProviderException($"{keyVariable} is not set", MissingKeyHint(keyVariable, model), provider: Name);
            }

            key = key.Trim();
        }

        var defaults = new OpenAICompatibleChatClientOptions { BaseUri = baseUri };
        return new OpenAICompatibleChatClient(new OpenAICompatibleChatClientOptions
        {
            BaseUri = baseUri,
            ProviderName = Name,
            ApiKey = key,
            ApiKeyVariable = keyVariable,
            DefaultModelId = string.IsNullOrWhiteSpace(model.Model) ? null : model.Model,
            GenerationDefaults = model.Options,
            Dialect = Dialect,
            FirstByteTimeout = model.Options.Timeout ?? defaults.FirstByteTimeout,
            MaxRetries = model.Options.MaxRetries ?? defaults.MaxRetries,
            HttpHandler = context.HttpHandler,
            TimeProvider = context.TimeProvider,
        });
    }

    private string ExampleModel => Name switch
    {
        "mistral" => "mistral-small-latest",
        "openai" => "gpt-4o-mini",
        _ => "my-model",
    };

    private string MissingKeyHint(string keyVariable, ModelSpec model)
    {
        var where = KeyConsoleUrl is null ? "" : $" (create a key at {KeyConsoleUrl})";
        var other = model.ApiKeyEnv is null
            ? $", or name another variable with `api_key_env:` in model '{model.Alias}'"
            : DefaultKeyVariable is null ? $", or remove `api_key_env` from model '{model.Alias}' if the server needs no key" : "";
        return $"set it in the environment, e.g. `export {keyVariable}=<key>`{where}{other}; keys never go in tailor.yaml";
    }
}
