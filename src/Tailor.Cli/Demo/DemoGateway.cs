using System.Net.Http.Headers;
using Tailor.Gateway.Keys;
using Tailor.Providers.OpenAI;
using Tailor.Server;
using Tailor.Store;

namespace Tailor.Cli.Demo;

/// <summary>
/// The gateway as the demo's users meet it: started in-process on a loopback port over the project's spec and store,
/// with a fresh API key, an OpenAI-compatible client on the demo's route and an HTTP client for the other endpoints.
/// </summary>
internal sealed class DemoGateway : IAsyncDisposable
{
    private readonly IGatewayStore _store;
    private readonly TailorGateway _gateway;

    private DemoGateway(IGatewayStore store, TailorGateway gateway, string key)
    {
        _store = store;
        _gateway = gateway;
        Client = new OpenAICompatibleChatClient(new OpenAICompatibleChatClientOptions
        {
            BaseUri = gateway.BaseUrl,
            ApiKey = key,
            DefaultModelId = DemoProject.Route,
            FirstByteTimeout = TimeSpan.FromMinutes(2),
        });
        Http = new HttpClient { BaseAddress = gateway.BaseUrl };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public Uri BaseUrl => _gateway.BaseUrl;

    /// <summary>Chat on the demo's route, as the application would call it.</summary>
    public OpenAICompatibleChatClient Client { get; }

    /// <summary>The gateway's other endpoints (feedback), authenticated with the same key.</summary>
    public HttpClient Http { get; }

    /// <param name="project">The project as its tailor.yaml reads now (routes and aliases).</param>
    /// <param name="env">The demo's environment.</param>
    /// <param name="keyName">The name the key is created under.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<DemoGateway> StartAsync(Project project, CliEnvironment env, string keyName, CancellationToken ct)
    {
        var store = await project.OpenGatewayStoreAsync(ct);
        try
        {
            var (record, key) = ApiKeys.Create(keyName, env.TimeProvider.GetUtcNow());
            await store.AddKeyAsync(record, ct);
            var gateway = await TailorGateway.StartAsync(project.Spec, store, new GatewayServerOptions { Url = "http://127.0.0.1:0" },
                env.Providers, project.ProviderContext, timeProvider: env.TimeProvider, cancellationToken: ct);
            return new DemoGateway(store, gateway, key);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        // Stopping drains the interaction log before the store closes.
        await _gateway.DisposeAsync();
        await _store.DisposeAsync();
    }
}
