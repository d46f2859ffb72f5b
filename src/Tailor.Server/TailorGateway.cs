using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tailor.Chat;
using Tailor.Gateway;
using Tailor.Gateway.Keys;
using Tailor.Gateway.Logging;
using Tailor.Gateway.Routing;
using Tailor.Providers;
using Tailor.Server.Endpoints;
using Tailor.Server.Http;
using Tailor.Spec;
using Tailor.Store;

namespace Tailor.Server;

/// <summary>
/// The gateway: an OpenAI-compatible HTTP API over a spec's routes that records every interaction in a store.
/// <c>POST /v1/chat/completions</c>, <c>GET /v1/models</c>, <c>POST /v1/feedback</c>, <c>GET /healthz</c>, <c>GET /metrics</c>.
/// </summary>
/// <remarks>
/// <para>Start one with <see cref="StartAsync"/>; <see cref="StopAsync"/> shuts it down gracefully: no new requests,
/// requests in flight finish, shadows finish, and every queued interaction record is written, within
/// <see cref="GatewayServerOptions.DrainTimeout"/>. The caller owns the store and disposes it afterwards.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class TailorGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GatewayServices _services;
    private int _stopped;

    private TailorGateway(WebApplication app, GatewayServices services, Uri address)
    {
        _app = app;
        _services = services;
        Address = address;
    }

    /// <summary>Where the gateway listens, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The API root to give an OpenAI client: <see cref="Address"/> + <c>v1/</c>.</summary>
    public Uri BaseUrl => new(Address, "v1/");

    /// <summary>The interaction log writer (its queue depth and counts, for tests and health).</summary>
    public GroupCommitWriter Log => _services.Log;

    /// <summary>Routes served, by public name.</summary>
    public IReadOnlyList<string> Routes => _services.Routes.Names;

    /// <summary>Builds the routes' pipelines and starts listening.</summary>
    /// <exception cref="ModelProviderException">A model of a route cannot be built (missing key, bad URL).</exception>
    /// <exception cref="GatewayListenException">It cannot listen on <see cref="GatewayServerOptions.Url"/>.</exception>
    public static async Task<TailorGateway> StartAsync(
        TailorSpec spec, IGatewayStore store, GatewayServerOptions options, ProviderRegistry providers, ProviderContext providerContext,
        Action<ILoggingBuilder>? configureLogging = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(providerContext);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxRequestBodyBytes);
        GatewayListenException.ThrowIfNotListenable(options.Url);
        var time = timeProvider ?? TimeProvider.System;

        // Configuration files are read once: reloading them on change watches the content root (the project
        // directory, where the SQLite log lives) recursively, and every log write then costs an inotify event.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The host logs a failed start with its stack trace; StartAsync throws it as a GatewayListenException (or as it
        // is) anyway. The host runs no background service, whose failures this category would also log.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
        });
        builder.WebHost.UseUrls(options.Url);
        if (options.InlineScheduling)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout);
        TelemetryExport.Add(builder.Services, builder.Logging, options);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tailor.Gateway");
        var services = CreateServices(spec, store, options, providers, providerContext, time, logger);
        try
        {
            Map(app, services, time.GetUtcNow().ToUnixTimeSeconds());
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await DisposeServicesAsync(services);
            await app.DisposeAsync();
            if (GatewayListenException.From(options.Url, e) is { } listen)
            {
                throw listen;
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        GatewayLog.Listening(logger, address, string.Join(", ", services.Routes.Names), store is Tailor.Store.Relational.RelationalGatewayStore relational ? relational.Location : store.GetType().Name);
        return new TailorGateway(app, services, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Graceful shutdown: stop listening, finish requests in flight, finish shadows, write every queued record.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        using (var deadline = new CancellationTokenSource(_services.Options.DrainTimeout))
        {
            await _app.StopAsync(deadline.Token);
            await _services.Shadows.DrainAsync(deadline.Token);
        }

        await DisposeServicesAsync(_services);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static GatewayServices CreateServices(
        TailorSpec spec, IGatewayStore store, GatewayServerOptions options, ProviderRegistry providers, ProviderContext providerContext,
        TimeProvider time, ILogger logger)
    {
        var routes = RouteTable.Create(spec, model => new OpenTelemetryChatClient(
            ChatPipeline.Create(spec, model, new ChatPipelineOptions
            {
                Providers = providers,
                ProviderContext = providerContext,
                Source = "gateway",
                PromptMode = options.PromptMode,
                TimeProvider = time,
            }),
            logger: null,
            sourceName: GatewayTelemetry.ModelsSourceName));
        var log = new GroupCommitWriter(store, options.Log, time, logger);
        var telemetry = new GatewayTelemetry(() => log.QueueDepth, () => log.Written);
        var shadows = new ShadowRunner(log, options.MaxShadowsInFlight, time, logger);
        var clients = new Dictionary<string, IChatClient>(StringComparer.Ordinal);
        foreach (var route in routes.Routes)
        {
            var routing = new RouteChatClient(route, shadows)
            {
                OnFallback = (name, from, to) =>
                {
                    telemetry.RecordFallback(name, from, to);
                    GatewayLog.FellBack(logger, name, from, to);
                },
            };
            clients[route.Name] = new RecordingChatClient(routing, log, time) { Source = "gateway", Route = route.Name };
        }

        return new GatewayServices
        {
            Store = store,
            Routes = routes,
            RouteClients = clients,
            Keys = new KeyAuthenticator(store, time, logger),
            Limits = new KeyLimiter(time, store as IKeyRateStore),
            Log = log,
            Shadows = shadows,
            Telemetry = telemetry,
            Options = options,
            Time = time,
            Ids = new UlidGenerator(time),
            Logger = logger,
        };
    }

    private static void Map(WebApplication app, GatewayServices services, long startedAt)
    {
        // Last line of defence: whatever escapes an endpoint becomes OpenAI's 500 shape, logged, with no stack trace sent.
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.Unhandled(services.Logger, http.Request.Path, e.GetType().Name, e);
                await OpenAIErrors.WriteAsync(http, StatusCodes.Status500InternalServerError,
                    "The gateway failed to process the request. The error is in its log.", "server_error", code: "internal_error");
            }
        });

        app.MapPost("/v1/chat/completions", http => ChatCompletionsEndpoint.HandleAsync(http, services));
        app.MapGet("/v1/models", http => ModelsEndpoint.HandleAsync(http, services, startedAt));
        app.MapPost("/v1/feedback", http => FeedbackEndpoint.HandleAsync(http, services));
        app.MapGet("/healthz", http => HealthEndpoint.HandleAsync(http, services));
        if (services.Options.PrometheusMetrics)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        app.MapFallback(http => OpenAIErrors.WriteAsync(http, StatusCodes.Status404NotFound,
            $"Unknown request URL: {http.Request.Method} {http.Request.Path}. This gateway serves POST /v1/chat/completions, GET /v1/models and POST /v1/feedback.",
            "invalid_request_error", code: "unknown_url"));
    }

    private static async Task DisposeServicesAsync(GatewayServices services)
    {
        await services.Log.DrainAsync(services.Options.DrainTimeout);
        services.Routes.Dispose();
        services.Telemetry.Dispose();
    }
}
