using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Providers;

/// <summary>Makes chat clients for the models of one provider kind (<c>mistral</c>, <c>local</c>, ...).</summary>
public interface IModelProvider
{
    /// <summary>The <c>provider:</c> value in <c>tailor.yaml</c> this provider serves.</summary>
    string Name { get; }

    /// <summary>Creates a client for <paramref name="model"/>; throws <see cref="ModelProviderException"/> when it cannot (missing key, bad URL).</summary>
    IChatClient CreateClient(ModelSpec model, ProviderContext context);
}

/// <summary>What a provider may need from its surroundings; injected so tests control it.</summary>
public sealed class ProviderContext
{
    /// <summary>Directory relative paths (GGUF files, adapters) resolve against.</summary>
    public string ProjectDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Reads an environment variable; API keys come only from here.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Handler for outgoing HTTP; null uses a shared <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
