using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tailor.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (ephemeral port) that follows OpenAI's chat-completions contract, for tests that
/// need a remote model API: <c>POST /v1/chat/completions</c> (JSON or server-sent-event stream with role, content,
/// tool-call, finish and usage chunks and <c>data: [DONE]</c>) and <c>GET /v1/models</c>.
/// </summary>
/// <remarks>
/// <para>
/// Without a script it answers deterministically: <c>echo: &lt;last user message&gt;</c>, with usage counted in words.
/// Script it with <see cref="Enqueue"/> (one reply per request, in order) or <see cref="Responder"/> (decides per request);
/// queued replies go first. Every request is recorded (<see cref="Requests"/>, <see cref="WaitForRequestAsync"/>).
/// </para>
/// <para>Thread-safe. Dispose it to stop the server; requests left hanging end then.</para>
/// </remarks>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    /// <summary>The <c>created</c> timestamp of every answer (Unix seconds), fixed so tests can assert it.</summary>
    public const long Created = 1_700_000_000;

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<FakeReply> _script = new();
    private readonly List<(int Count, TaskCompletionSource<RecordedRequest> Signal)> _waiters = [];
    private int _inFlight;
    private int _maxInFlight;

    private FakeOpenAIServer(WebApplication app)
    {
        _app = app;
        app.MapPost("/v1/chat/completions", HandleChatAsync);
        app.MapGet("/v1/models", HandleModelsAsync);
    }

    /// <summary>API root to give a client, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, requests without <c>Authorization: Bearer &lt;key&gt;</c> get OpenAI's 401.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>Models listed by <c>GET /v1/models</c>; when <see cref="RejectUnknownModels"/> is set, others get OpenAI's 404.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["fake-model"];

    public bool RejectUnknownModels { get; set; }

    /// <summary>How long every chat request waits before its reply starts (a model's thinking time); a reply's own <see cref="FakeReply.Delay"/> wins.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Chat requests being handled right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most chat requests that were ever handled at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Decides the reply when the queue is empty; null (or a null result) falls back to the echo answer.</summary>
    public Func<RecordedRequest, FakeReply?>? Responder { get; set; }

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
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

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeOpenAIServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var server = new FakeOpenAIServer(builder.Build());
        await server._app.StartAsync(cancellationToken);

        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>Queues replies for the next requests, one each, in order.</summary>
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

    /// <summary>Completes when the <paramref name="number"/>-th request (counting from 1) has arrived.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(int number, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        lock (_gate)
        {
            if (_requests.Count >= number)
            {
                return Task.FromResult(_requests[number - 1]);
            }

            var signal = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((number, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleChatAsync(HttpContext context)
    {
        int now = Interlocked.Increment(ref _inFlight);
        for (int seen = Volatile.Read(ref _maxInFlight); now > seen; seen = Volatile.Read(ref _maxInFlight))
        {
            Interlocked.CompareExchange(ref _maxInFlight, now, seen);
        }

        try
        {
            await HandleChatCoreAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleChatCoreAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);

        var reply = AuthenticationFailure(request) ?? UnknownModel(request) ?? NextScripted(request) ?? Echo(request);
        var model = reply.Model ?? request.Model ?? Models.FirstOrDefault() ?? "fake-model";
        var renderer = new ChatCompletionRenderer($"chatcmpl-fake{request.Number}", Created, model);
        if ((reply.Delay ?? Latency) is { } delay && delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, aborted.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        switch (reply.Kind)
        {
            case FakeReplyKind.Hang:
                await WaitUntilAbortedAsync(aborted.Token);
                return;
            case FakeReplyKind.Error:
                await WriteAsync(context, reply, "application/json", ChatCompletionRenderer.Error(reply.ErrorMessage ?? "", reply.ErrorType, reply.ErrorParam, reply.ErrorCode));
                return;
            case FakeReplyKind.Raw:
                await WriteAsync(context, reply, reply.ContentType, reply.Body ?? "");
                return;
        }

        var usage = reply.Usage ?? new FakeUsage(
            ChatCompletionRenderer.CountPromptWords(request),
            ChatCompletionRenderer.CountWords(reply.Content ?? "") + reply.Calls.Count);

        if (!request.Stream)
        {
            await WriteAsync(context, reply, "application/json", renderer.Completion(reply, usage));
            return;
        }

        await StreamAsync(context, reply, renderer.Chunks(reply, usage, request.IncludeUsage), aborted.Token);
    }

    private async Task HandleModelsAsync(HttpContext context)
    {
        await RecordAsync(context);
        await WriteAsync(context, FakeReply.Raw(200, ""), "application/json", ChatCompletionRenderer.Models(Models, Created));
    }

    private static async Task StreamAsync(HttpContext context, FakeReply reply, IEnumerable<string> chunks, CancellationToken aborted)
    {
        if (reply.CutAfterChunks is { } cutAfter)
        {
            await StreamThenCrashAsync(context, reply, chunks.Take(cutAfter), aborted);
            return;
        }

        context.Response.StatusCode = reply.StatusCode;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        AddHeaders(context, reply);

        var sent = 0;
        foreach (var chunk in chunks)
        {
            if (sent == reply.StallAfterChunks)
            {
                await WaitUntilAbortedAsync(aborted);
                return;
            }

            await context.Response.WriteAsync($"data: {chunk}\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            sent++;
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
    }

    /// <summary>
    /// Sends the first chunks and then ends the connection the way a crashing server does: the body breaks off in
    /// the middle of its chunked encoding. The bytes go straight to the socket, followed by a half-close (FIN), so the
    /// client is sure to read every chunk before the break; Kestrel's own abort resets the connection, and a reset may
    /// discard data the client has not read yet.
    /// </summary>
    private static async Task StreamThenCrashAsync(HttpContext context, FakeReply reply, IEnumerable<string> chunks, CancellationToken aborted)
    {
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket
            ?? throw new InvalidOperationException("CutAfterChunks needs Kestrel's socket transport");

        var wire = new StringBuilder();
        wire.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.StatusCode} OK\r\n");
        wire.Append("Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n");
        foreach (var (name, value) in reply.Headers)
        {
            wire.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        wire.Append("\r\n");
        foreach (var chunk in chunks)
        {
            var payload = $"data: {chunk}\n\n";
            wire.Append(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(payload):x}\r\n{payload}\r\n");
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes(wire.ToString()), SocketFlags.None, aborted);
        socket.Shutdown(SocketShutdown.Send);
        await WaitUntilAbortedAsync(aborted);
        context.Abort();
    }

    private static async Task WriteAsync(HttpContext context, FakeReply reply, string contentType, string body)
    {
        context.Response.StatusCode = reply.StatusCode;
        context.Response.ContentType = contentType;
        AddHeaders(context, reply);
        await context.Response.WriteAsync(body, reply.BodyEncoding ?? Encoding.UTF8);
    }

    private static void AddHeaders(HttpContext context, FakeReply reply)
    {
        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers[name] = value;
        }
    }

    private static async Task WaitUntilAbortedAsync(CancellationToken aborted)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the server is stopping: either way the request is over.
        }
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        lock (_gate)
        {
            var request = new RecordedRequest(_requests.Count + 1, context.Request.Method, context.Request.Path, headers, body);
            _requests.Add(request);
            foreach (var waiter in _waiters.Where(w => w.Count <= _requests.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult(_requests[waiter.Count - 1]);
            }

            return request;
        }
    }

    private FakeReply? AuthenticationFailure(RecordedRequest request)
    {
        if (RequiredApiKey is not { } expected || request.Authorization == $"Bearer {expected}")
        {
            return null;
        }

        // OpenAI echoes a masked form of a wrong key; clients must keep even that out of their messages.
        var sent = request.Authorization?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? request.Authorization["Bearer ".Length..] : null;
        var message = sent is null
            ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            : $"Incorrect API key provided: {Mask(sent)}. You can find your API key at https://platform.openai.com/account/api-keys.";
        return FakeReply.Error(401, message, "invalid_request_error", code: sent is null ? null : "invalid_api_key");
    }

    private FakeReply? UnknownModel(RecordedRequest request)
    {
        if (!RejectUnknownModels || request.Model is not { } model || Models.Contains(model))
        {
            return null;
        }

        return FakeReply.Error(404, $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", code: "model_not_found");
    }

    private FakeReply? NextScripted(RecordedRequest request)
    {
        lock (_gate)
        {
            if (_script.TryDequeue(out var reply))
            {
                return reply;
            }
        }

        return Responder?.Invoke(request);
    }

    private static FakeReply Echo(RecordedRequest request) => FakeReply.Text($"echo: {request.LastUserText}");

    private static string Mask(string key) => key.Length <= 8
        ? new string('*', key.Length)
        : string.Create(CultureInfo.InvariantCulture, $"{key[..4]}{new string('*', key.Length - 8)}{key[^4..]}");
}
