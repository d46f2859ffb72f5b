using System.Net;
using System.Text;
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

/// <summary>
/// What the fake Mistral and OpenAI fine-tuning servers share: a real Kestrel server on 127.0.0.1, bearer-key checks,
/// recorded requests, scripted error replies, uploaded files, and jobs that walk through a script of stages moved by
/// polls, by the server's clock, or by hand.
/// </summary>
/// <remarks>Thread-safe; dispose to stop.</remarks>
public abstract class FakeFineTuningServer : IAsyncDisposable
{
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<FakeReply> _replies = new();
    private readonly Queue<IReadOnlyList<FakeTuningStage>> _scripts = new();
    private WebApplication? _app;

    /// <summary>Guards all state.</summary>
    protected Lock Gate { get; } = new();

    protected Dictionary<string, FakeUploadedFile> FileStore { get; } = new(StringComparer.Ordinal);

    protected List<FakeTuningJob> JobList { get; } = [];

    /// <summary>API root to give a client, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, requests without <c>Authorization: Bearer &lt;key&gt;</c> get the vendor's 401.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>The clock of job stages and timestamps.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public FakeTuningAdvance Advancing { get; set; } = FakeTuningAdvance.OnPoll;

    /// <summary>Base models the server fine-tunes; others are refused with the vendor's error.</summary>
    public IReadOnlyList<string> Models { get; set; } = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (Gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<FakeUploadedFile> Files
    {
        get
        {
            lock (Gate)
            {
                return [.. FileStore.Values];
            }
        }
    }

    public IReadOnlyList<FakeTuningJob> Jobs
    {
        get
        {
            lock (Gate)
            {
                return [.. JobList];
            }
        }
    }

    /// <summary>The script the next created job follows (else <see cref="DefaultScript"/>).</summary>
    public void ScriptNextJob(params FakeTuningStage[] stages)
    {
        lock (Gate)
        {
            _scripts.Enqueue(stages);
        }
    }

    /// <summary>Queues replies (errors, rate limits, raw bodies) for the next requests, one each, in order.</summary>
    public void Enqueue(params FakeReply[] replies)
    {
        lock (Gate)
        {
            foreach (var reply in replies)
            {
                _replies.Enqueue(reply);
            }
        }
    }

    /// <summary>Moves <paramref name="jobId"/> to its next stage now.</summary>
    public void Advance(string jobId)
    {
        lock (Gate)
        {
            var job = JobList.Single(j => j.Id == jobId);
            Step(job);
        }
    }

    /// <summary>The stages a job follows when no script was queued.</summary>
    protected abstract IReadOnlyList<FakeTuningStage> DefaultScript { get; }

    /// <summary>The vendor's 401 body.</summary>
    protected abstract string UnauthorizedBody { get; }

    /// <summary>The vendor's error body for a scripted error reply.</summary>
    protected abstract string ErrorBody(FakeReply reply);

    /// <summary>Maps the vendor's routes.</summary>
    protected abstract void Map(WebApplication app);

    /// <summary>Applies a stage to a job (status, metrics, result) in the vendor's terms.</summary>
    protected abstract void Apply(FakeTuningJob job, FakeTuningStage stage, DateTimeOffset at);

    /// <summary>Whether a job in this status moves no further.</summary>
    protected abstract bool IsFinal(string status);

    protected static async Task<T> StartAsync<T>(T server, CancellationToken cancellationToken) where T : FakeFineTuningServer
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Use(server.GuardAsync);
        server.Map(app);
        await app.StartAsync(cancellationToken);
        server._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a job on its script (the queued one, else the default) in the first stage's status... before any stage applies.</summary>
    protected FakeTuningJob CreateJob(string id, string model, JsonObject request, bool autoStart, string initialStatus)
    {
        var script = _scripts.TryDequeue(out var queued) ? queued : DefaultScript;
        var now = TimeProvider.GetUtcNow();
        var job = new FakeTuningJob(id, model, request, script, now, autoStart);
        job.Move(initialStatus, now);
        JobList.Add(job);
        return job;
    }

    /// <summary>Brings every job up to date with the clock (clock-driven servers).</summary>
    protected void CatchUp()
    {
        if (Advancing != FakeTuningAdvance.ByClock)
        {
            return;
        }

        var now = TimeProvider.GetUtcNow();
        foreach (var job in JobList)
        {
            while (!job.Held && !IsFinal(job.Status) && (job.Interjected ?? (job.NextStage < job.Script.Count ? job.Script[job.NextStage] : null)) is { } next
                && now >= job.StageStartedAt + next.After)
            {
                Step(job, job.StageStartedAt + next.After);
            }
        }
    }

    /// <summary>The job called <paramref name="id"/>, or null; with <paramref name="poll"/>, a poll of it (see <see cref="Polled"/>).</summary>
    protected FakeTuningJob? FindJob(string id, bool poll)
    {
        lock (Gate)
        {
            var job = JobList.FirstOrDefault(j => j.Id == id);
            if (job is not null && poll)
            {
                Polled(job);
            }

            return job;
        }
    }

    /// <summary>A poll of <paramref name="job"/>: moves it one stage on poll-driven servers.</summary>
    protected void Polled(FakeTuningJob job)
    {
        if (Advancing == FakeTuningAdvance.OnPoll && !job.Held && !IsFinal(job.Status))
        {
            Step(job);
        }
    }

    /// <summary>Releases a held job and, on poll-driven servers, lets the next poll move it.</summary>
    protected void Release(FakeTuningJob job)
    {
        job.Held = false;
        job.StageStartedAt = TimeProvider.GetUtcNow();
    }

    /// <summary>Makes <paramref name="stage"/> the job's next and last stage (a cancellation the vendor confirms later).</summary>
    protected static void Interject(FakeTuningJob job, FakeTuningStage stage)
    {
        job.Held = false;
        job.NextStage = job.Script.Count;
        job.Interjected = stage;
    }

    private void Step(FakeTuningJob job, DateTimeOffset? at = null)
    {
        if (IsFinal(job.Status))
        {
            return;
        }

        FakeTuningStage stage;
        if (job.Interjected is { } interjected)
        {
            stage = interjected;
            job.Interjected = null;
        }
        else if (job.NextStage < job.Script.Count)
        {
            stage = job.Script[job.NextStage++];
        }
        else
        {
            return;
        }

        var when = at ?? TimeProvider.GetUtcNow();
        job.StageStartedAt = when;
        Apply(job, stage, when);
    }

    private async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.EnableBuffering();
        string body = "";
        if (context.Request.HasJsonContentType())
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
            body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        FakeReply? scripted;
        RecordedRequest request;
        lock (Gate)
        {
            request = new RecordedRequest(_requests.Count + 1, context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
            _requests.Add(request);
            scripted = _replies.TryDequeue(out var reply) ? reply : null;
            CatchUp();
        }

        if (RequiredApiKey is { } key && request.Authorization != $"Bearer {key}")
        {
            await WriteAsync(context, 401, UnauthorizedBody);
            return;
        }

        if (scripted is not null)
        {
            foreach (var (name, value) in scripted.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await WriteAsync(context, scripted.StatusCode, scripted.Kind == FakeReplyKind.Raw ? scripted.Body ?? "" : ErrorBody(scripted), scripted.ContentType);
            return;
        }

        try
        {
            await next(context);
        }
#pragma warning disable CA1031 // a bug in the fake shows up as a 500 whose body says what broke
        catch (Exception e) when (!context.Response.HasStarted)
#pragma warning restore CA1031
        {
            await WriteAsync(context, 500, new JsonObject { ["message"] = $"fake server bug: {e.GetType().Name}: {e.Message}" });
        }
    }

    protected static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, Encoding.UTF8);
    }

    protected static Task WriteAsync(HttpContext context, int status, JsonNode body) => WriteAsync(context, status, body.ToJsonString());

    /// <summary>Reads a multipart upload: the file's name and text, and the form's <c>purpose</c>; null when there is no file part.</summary>
    protected static async Task<(string FileName, string Content, string? Purpose)?> ReadUploadAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return null;
        }

        using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
        string purpose = form["purpose"].ToString();
        return (file.FileName, await reader.ReadToEndAsync(context.RequestAborted), purpose.Length == 0 ? null : purpose);
    }
}
