using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;
using Tailor.Chat;
using Tailor.Server;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor serve</c>: the gateway on the project's routes, logging every interaction to the project's store.
/// Runs until Ctrl+C or SIGTERM, then drains: requests in flight finish and every queued record is written.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliEnvironment env)
    {
        var url = new Option<string>("--url") { Description = "Address to listen on (port 0 picks a free port)", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var noKeys = new Option<bool>("--no-keys") { Description = "Serve without API keys (local experiments only: anyone who reaches the port can use it)" };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body accepted", DefaultValueFactory = _ => 4 * 1024 * 1024 };
        var promptMode = new Option<SystemPromptMode>("--prompt-mode") { Description = "How the spec's prompt meets a client's system message: Prepend, Replace or Default", DefaultValueFactory = _ => SystemPromptMode.Prepend };
        var quiet = new Option<bool>("--quiet") { Description = "Log warnings and errors only" };
        var noInline = new Option<bool>(ProcessTuning.NoInlineScheduling)
        {
            Description = "Hand every request and socket completion to the thread pool instead of running it on the I/O thread (slower; for custom code that blocks)",
        };
        var otlp = new Option<string?>("--otlp-endpoint")
        {
            Description = "Send spans and metrics to this OpenTelemetry collector over OTLP/HTTP, e.g. http://127.0.0.1:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT when set)",
        };
        var command = new Command("serve", "Run the OpenAI-compatible gateway on the spec's routes, logging every interaction");
        command.Options.Add(url);
        command.Options.Add(noKeys);
        command.Options.Add(maxBody);
        command.Options.Add(promptMode);
        command.Options.Add(quiet);
        command.Options.Add(noInline);
        command.Options.Add(otlp);
        command.SetAction((parse, ct) => RunAsync(env, parse, new GatewayServerOptions
        {
            Url = parse.GetValue(url)!,
            RequireKeys = !parse.GetValue(noKeys),
            MaxRequestBodyBytes = PositiveBodySize(parse.GetValue(maxBody)),
            PromptMode = parse.GetValue(promptMode),
            InlineScheduling = !parse.GetValue(noInline),
            OtlpEndpoint = CollectorUri(parse.GetValue(otlp)),
        }, parse.GetValue(quiet), ct));
        return command;
    }

    private static long PositiveBodySize(long value) =>
        value > 0 ? value : throw new CliException($"--max-body-bytes must be greater than 0, got {value}", "leave it out for the default, 4 MiB");

    private static Uri? CollectorUri(string? value) =>
        value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri
        : throw new CliException($"--otlp-endpoint: '{value}' is not an http(s) URL", "give the collector's OTLP/HTTP address, e.g. http://127.0.0.1:4318");

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, GatewayServerOptions options, bool quiet, CancellationToken ct)
    {
        var project = Project.Load(parse, env);
        await using var store = await project.OpenGatewayStoreAsync(ct);
        if (options.RequireKeys && (await store.ListKeysAsync(ct)).Count == 0)
        {
            env.Error.MarkupLine("[yellow]warning:[/] no API keys yet: every request will get 401. Create one with [bold]tailor keys create --name <who>[/].");
        }

        TailorGateway gateway;
        try
        {
            gateway = await TailorGateway.StartAsync(project.Spec, store, options, env.Providers, project.ProviderContext, logging =>
            {
                logging.SetMinimumLevel(quiet ? LogLevel.Warning : LogLevel.Information);
                // Logs go to standard error; standard output carries only the address line scripts read.
                logging.AddSimpleConsole(console => console.SingleLine = true);
                logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            }, env.TimeProvider, ct);
        }
        catch (GatewayListenException e)
        {
            throw new CliException($"--url: {e.Message}",
                "give an address this machine can listen on, e.g. --url http://127.0.0.1:8080 (http://0.0.0.0:8080 for every interface, port 0 for a free one)");
        }

        await using (gateway)
        {
            env.WriteRawLine($"listening on {gateway.Address}");
            env.Out.Profile.Out.Writer.Flush();
            env.Error.MarkupLine($"[grey]routes:[/] {Markup.Escape(string.Join(", ", gateway.Routes))}  [grey]OpenAI base URL:[/] {Markup.Escape(gateway.BaseUrl.ToString())}");
            if (!options.RequireKeys)
            {
                env.Error.MarkupLine("[yellow]warning:[/] --no-keys: anyone who can reach this address can use the gateway");
            }

            await gateway.WaitForShutdownAsync(ct);
            env.Error.MarkupLine("[grey]stopping: finishing requests in flight and writing the interaction log...[/]");
            await gateway.StopAsync();
        }

        return ExitCodes.Ok;
    }
}
