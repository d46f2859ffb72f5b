using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tailor.Testing;

/// <summary>Whose moderation API a <see cref="FakeModerationServer"/> plays.</summary>
public enum ModerationVendor
{
    /// <summary>Mistral: <c>POST /v1/moderations</c> (<c>input</c>: text or list of texts) and <c>POST /v1/chat/moderations</c> (<c>input</c>: messages or list of conversations).</summary>
    Mistral,

    /// <summary>OpenAI: <c>POST /v1/moderations</c> (<c>input</c>: text, list of texts, or content parts).</summary>
    OpenAI,
}

/// <summary>
/// A real HTTP server on 127.0.0.1 that follows Mistral's or OpenAI's documented moderation contract, for tests of the
/// vendor classifiers. Answers carry one result per input with every category of the vendor's model:
/// <c>{"id", "model", "results": [{"categories": {cat: bool}, "category_scores": {cat: float}}]}</c> (OpenAI adds
/// <c>flagged</c> and <c>category_applied_input_types</c>). Mistral answers with the 2603 categories, or the 2411 ones
/// when the model id says 2411. A request without <c>input</c> gets the vendor's validation error.
/// </summary>
/// <remarks>
/// Scores come from <see cref="Scores"/> (text → vendor category → score; unlisted categories score 0.0001); a category
/// is true when its score reaches <see cref="FlagThreshold"/>. Queued <see cref="FakeReply"/> errors
/// (<see cref="FakeReply.Error"/>, <see cref="FakeReply.RateLimited"/>, <see cref="FakeReply.Raw"/>) go first.
/// Thread-safe; dispose to stop.
/// </remarks>
public sealed class FakeModerationServer : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Mistral2411Categories =
        ["sexual", "hate_and_discrimination", "violence_and_threats", "dangerous_and_criminal_content", "selfharm", "health", "financial", "law", "pii"];

    public static readonly IReadOnlyList<string> Mistral2603Categories =
        ["sexual", "hate_and_discrimination", "violence_and_threats", "dangerous", "criminal", "selfharm", "health", "financial", "law", "pii", "jailbreaking"];

    public static readonly IReadOnlyList<string> OpenAICategories =
    [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm", "self-harm/intent",
        "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
    ];

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<FakeReply> _script = new();

    private FakeModerationServer(WebApplication app, ModerationVendor vendor)
    {
        _app = app;
        Vendor = vendor;
        app.MapPost("/v1/moderations", context => HandleAsync(context, chat: false));
        if (vendor == ModerationVendor.Mistral)
        {
            app.MapPost("/v1/chat/moderations", context => HandleAsync(context, chat: true));
        }
    }

    public ModerationVendor Vendor { get; }

    /// <summary>API root to give a client, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, requests without <c>Authorization: Bearer &lt;key&gt;</c> get the vendor's 401.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>Vendor category scores for a text (for the chat endpoint: the last message's content).</summary>
    public Func<string, IReadOnlyDictionary<string, double>?>? Scores { get; set; }

    /// <summary>Score at which a category's boolean is true (the vendors' own calibrated thresholds stand behind this).</summary>
    public double FlagThreshold { get; set; } = 0.5;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeModerationServer> StartAsync(ModerationVendor vendor, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var server = new FakeModerationServer(builder.Build(), vendor);
        await server._app.StartAsync(cancellationToken);
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>Queues replies (errors, raw bodies) for the next requests, one each, in order.</summary>
    public void Enqueue(params FakeReply[] replies)
    {
        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _script.Enqueue(reply);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, bool chat)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        RecordedRequest request;
        FakeReply? scripted;
        lock (_gate)
        {
            request = new RecordedRequest(_requests.Count + 1, context.Request.Method, context.Request.Path, headers, body);
            _requests.Add(request);
            scripted = _script.TryDequeue(out var next) ? next : null;
        }

        if (RequiredApiKey is { } key && request.Authorization != $"Bearer {key}")
        {
            await WriteAsync(context, 401, Vendor == ModerationVendor.OpenAI
                ? ChatCompletionRenderer.Error("Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key")
                : new JsonObject { ["message"] = "Unauthorized", ["request_id"] = "fake-request" }.ToJsonString());
            return;
        }
        if (scripted is not null)
        {
            foreach (var (name, value) in scripted.Headers)
            {
                context.Response.Headers[name] = value;
            }
            string payload = scripted.Kind == FakeReplyKind.Raw
                ? scripted.Body ?? ""
                : ChatCompletionRenderer.Error(scripted.ErrorMessage ?? "", scripted.ErrorType, scripted.ErrorParam, scripted.ErrorCode);
            await WriteAsync(context, scripted.StatusCode, payload, scripted.ContentType);
            return;
        }

        var inputs = Inputs(request, chat);
        if (inputs is null)
        {
            await WriteAsync(context, Vendor == ModerationVendor.OpenAI ? 400 : 422, Vendor == ModerationVendor.OpenAI
                ? ChatCompletionRenderer.Error("'input' is a required property", "invalid_request_error", "input", null)
                : new JsonObject
                {
                    ["object"] = "error",
                    ["message"] = new JsonObject { ["detail"] = new JsonArray(new JsonObject { ["type"] = "missing", ["loc"] = new JsonArray("body", "input"), ["msg"] = "Field required" }) },
                    ["type"] = "invalid_request_error",
                    ["param"] = null,
                    ["code"] = null,
                }.ToJsonString());
            return;
        }

        string model = request.Model ?? (Vendor == ModerationVendor.OpenAI ? "omni-moderation-latest" : "mistral-moderation-latest");
        var categories = Vendor == ModerationVendor.OpenAI ? OpenAICategories
            : model.Contains("2411", StringComparison.Ordinal) ? Mistral2411Categories : Mistral2603Categories;
        var results = new JsonArray();
        foreach (string text in inputs)
        {
            var scores = Scores?.Invoke(text) ?? new Dictionary<string, double>();
            var flags = new JsonObject();
            var values = new JsonObject();
            var applied = new JsonObject();
            foreach (string category in categories)
            {
                double score = scores.TryGetValue(category, out double s) ? s : 0.0001;
                flags[category] = score >= FlagThreshold;
                values[category] = score;
                applied[category] = new JsonArray("text");
            }
            results.Add(Vendor == ModerationVendor.OpenAI
                ? new JsonObject
                {
                    ["flagged"] = categories.Any(c => (scores.TryGetValue(c, out double s) ? s : 0) >= FlagThreshold),
                    ["categories"] = flags,
                    ["category_scores"] = values,
                    ["category_applied_input_types"] = applied,
                }
                : new JsonObject { ["categories"] = flags, ["category_scores"] = values });
        }
        var answer = new JsonObject
        {
            ["id"] = (Vendor == ModerationVendor.OpenAI ? "modr-fake" : "mod-fake") + request.Number,
            ["model"] = model,
            ["results"] = results,
        };
        await WriteAsync(context, 200, answer.ToJsonString());
    }

    // The texts judged: plain input (text or list of texts), or for chat the last message of each conversation.
    private static List<string>? Inputs(RecordedRequest request, bool chat)
    {
        if (request.Member("input") is not { } input)
        {
            return null;
        }
        if (!chat)
        {
            return input.ValueKind switch
            {
                JsonValueKind.String => [input.GetString()!],
                JsonValueKind.Array => [.. input.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : RecordedRequest.TextOf(e))],
                _ => null,
            };
        }
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return null;
        }
        // [messages] is one conversation; [[messages], ...] several.
        var conversations = input[0].ValueKind == JsonValueKind.Array ? input.EnumerateArray().ToList() : [input];
        return [.. conversations.Select(c => c.EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } last ? RecordedRequest.TextOf(last) : "")];
    }

    private static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, Encoding.UTF8);
    }
}
