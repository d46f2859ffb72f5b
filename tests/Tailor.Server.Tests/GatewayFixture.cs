using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Tailor.Gateway.Keys;
using Tailor.Providers;
using Tailor.Server;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Store.Sqlite;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>
/// A real gateway on a loopback port: a project on disk (tailor.yaml, a prompt), two fake OpenAI upstreams (so a
/// fallback is visible), a real store (a SQLite file unless the test passes one), one API key, and every log line the
/// gateway wrote.
/// </summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    public const string Prompt = "You are Acme's support assistant.";

    public const string DefaultRoutes = """
        routes:
          support:
            model: baseline
            fallbacks: [backup]
          solo: baseline
          canary-all:
            model: baseline
            canary: {model: candidate, percent: 100}
          shadowed:
            model: baseline
            shadow: candidate
        """;

    private GatewayFixture(string directory, FakeOpenAIServer primary, FakeOpenAIServer backup)
    {
        Directory = directory;
        Primary = primary;
        Backup = backup;
    }

    public string Directory { get; }

    /// <summary>Serves model alias <c>baseline</c> (model id <c>big-model</c>).</summary>
    public FakeOpenAIServer Primary { get; }

    /// <summary>Serves <c>backup</c> (<c>small-model</c>) and <c>candidate</c> (<c>tuned-model</c>).</summary>
    public FakeOpenAIServer Backup { get; }

    public IGatewayStore Store { get; private set; } = null!;
    public TailorGateway Gateway { get; private set; } = null!;
    public TailorSpec Spec { get; private set; } = null!;

    /// <summary>A valid key (shown once, as <c>tailor keys create</c> does).</summary>
    public string Key { get; private set; } = null!;
    public ApiKeyRecord KeyRecord { get; private set; } = null!;

    /// <summary>Every log line the gateway wrote, with exception text.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>A client with the key set.</summary>
    public HttpClient Http { get; private set; } = null!;

    private bool _ownsStore;

    public static async Task<GatewayFixture> StartAsync(
        string routes = DefaultRoutes, Func<string, Task<IGatewayStore>>? openStore = null, GatewayServerOptions? options = null, string timeout = "2s")
    {
        var primary = await FakeOpenAIServer.StartAsync();
        var backup = await FakeOpenAIServer.StartAsync();
        string dir = System.IO.Directory.CreateTempSubdirectory("tailor-gateway-").FullName;
        var fixture = new GatewayFixture(dir, primary, backup);
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "prompts"));
        await File.WriteAllTextAsync(Path.Combine(dir, "prompts", "support.md"), Prompt);
        await File.WriteAllTextAsync(Path.Combine(dir, "tailor.yaml"), $"""
            name: gateway-tests
            prompts:
              support:
                file: prompts/support.md
            models:
              baseline:
                provider: openai-compatible
                base_url: {primary.BaseUrl}
                model: big-model
                options: {"{"}max_retries: 0, timeout: {timeout}{"}"}
              backup:
                provider: openai-compatible
                base_url: {backup.BaseUrl}
                model: small-model
                options: {"{"}max_retries: 0, timeout: {timeout}{"}"}
              candidate:
                provider: openai-compatible
                base_url: {backup.BaseUrl}
                model: tuned-model
                options: {"{"}max_retries: 0, timeout: {timeout}{"}"}
            defaults:
              model: baseline
              prompt: support
            {routes}
            """);
        var loaded = SpecLoader.Load(Path.Combine(dir, "tailor.yaml"));
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        fixture.Spec = loaded.Spec!;
        fixture._ownsStore = openStore is null;
        fixture.Store = openStore is null ? SqliteInteractionStore.Open(Path.Combine(dir, ".tailor", "tailor.db")) : await openStore(dir);
        fixture.KeyRecord = await fixture.CreateKeyAsync("tester");
        fixture.Gateway = await TailorGateway.StartAsync(fixture.Spec, fixture.Store,
            (options ?? new GatewayServerOptions()) with { Url = "http://127.0.0.1:0" },
            ProviderRegistry.CreateDefault(), new ProviderContext { ProjectDirectory = dir },
            logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CapturingLoggerProvider(fixture.Logs)));
        fixture.Http = fixture.NewClient(fixture.Key);
        return fixture;
    }

    /// <summary>Creates a key in the store; the fixture's <see cref="Key"/> is the first one made.</summary>
    public async Task<ApiKeyRecord> CreateKeyAsync(string name, int? rpm = null, long? quota = null, Action<string>? keep = null)
    {
        var (record, key) = ApiKeys.Create(name, DateTimeOffset.UtcNow, requestsPerMinute: rpm, tokenQuota: quota);
        await Store.AddKeyAsync(record);
        Key ??= key;
        keep?.Invoke(key);
        return record;
    }

    public HttpClient NewClient(string? key)
    {
        var client = new HttpClient { BaseAddress = Gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Gateway.StopAsync();
        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }

        await Primary.DisposeAsync();
        await Backup.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
        }
    }
}
