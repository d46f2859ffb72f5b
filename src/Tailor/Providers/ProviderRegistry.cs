using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Tailor.Spec;
using Tailor.Text;

namespace Tailor.Providers;

/// <summary>
/// The model providers a host knows, by the <c>provider:</c> name used in <c>tailor.yaml</c> (matched case-insensitively).
/// <see cref="CreateDefault"/> knows the remote ones; a host that ships the local engine registers <c>local</c> itself.
/// </summary>
/// <remarks>Thread-safe: registration and lookups may happen concurrently.</remarks>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, IModelProvider> _providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>A registry with <c>openai-compatible</c>, <c>openai</c> and <c>mistral</c>.</summary>
    public static ProviderRegistry CreateDefault() => new ProviderRegistry()
        .Register(new OpenAICompatibleProvider())
        .Register(new OpenAIProvider())
        .Register(new MistralProvider());

    /// <summary>Names of the registered providers, sorted.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return [.. _providers.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Adds a provider; returns this registry for chaining.</summary>
    /// <exception cref="ArgumentException">A provider with the same name is already registered.</exception>
    public ProviderRegistry Register(IModelProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider.Name, nameof(provider));
        lock (_gate)
        {
            if (!_providers.TryAdd(provider.Name, provider))
            {
                throw new ArgumentException($"a provider named '{provider.Name}' is already registered", nameof(provider));
            }
        }

        return this;
    }

    public bool TryGet(string name, [NotNullWhen(true)] out IModelProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _providers.TryGetValue(name, out provider);
        }
    }

    /// <summary>Creates the chat client for <paramref name="model"/> with the provider its spec names.</summary>
    /// <exception cref="ModelProviderException">The provider is unknown (with a did-you-mean), or it cannot make the client (missing key, no base_url).</exception>
    public IChatClient CreateClient(ModelSpec model, ProviderContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!TryGet(model.Provider, out var provider))
        {
            throw UnknownProvider(model);
        }

        return provider.CreateClient(model, context ?? new ProviderContext());
    }

    private ModelProviderException UnknownProvider(ModelSpec model)
    {
        var known = Names;
        var suggestion = Spelling.Closest(model.Provider, known);
        var hint = suggestion is not null
            ? $"did you mean '{suggestion}'? known providers: {string.Join(", ", known)}"
            : $"known providers: {string.Join(", ", known)}";
        if (string.Equals(model.Provider, "local", StringComparison.OrdinalIgnoreCase))
        {
            hint = $"the local engine (Tailor.Local) is not registered in this host; {hint}";
        }

        return new ModelProviderException($"model '{model.Alias}' uses unknown provider '{model.Provider}'", hint, provider: model.Provider);
    }
}
