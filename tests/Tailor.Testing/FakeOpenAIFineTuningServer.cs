using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tailor.Testing;

/// <summary>
/// A fake of OpenAI's files and fine-tuning API, over real HTTP, following its documented contract: <c>POST /v1/files</c>
/// (multipart, <c>purpose</c> required), <c>POST /v1/fine_tuning/jobs</c> (<c>model</c>, <c>training_file</c>,
/// <c>validation_file</c>, <c>suffix</c>, <c>seed</c>, <c>method.supervised.hyperparameters</c> or the legacy
/// <c>hyperparameters</c>), <c>GET /v1/fine_tuning/jobs</c>, <c>GET …/{id}</c>, <c>GET …/{id}/events</c> (newest first,
/// <c>limit</c>, <c>after</c>, <c>has_more</c>; <c>metrics</c> events carry the step's losses), <c>GET …/{id}/checkpoints</c>,
/// <c>POST …/cancel</c>, <c>…/pause</c> and <c>…/resume</c>. Statuses <c>validating_files</c>, <c>queued</c>, <c>running</c>,
/// <c>paused</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>. Errors are <c>{"error":{"message","type","param","code"}}</c>.
/// </summary>
/// <remarks>Thread-safe; dispose to stop.</remarks>
public sealed class FakeOpenAIFineTuningServer : FakeFineTuningServer
{
    private int _ids;

    private FakeOpenAIFineTuningServer()
    {
        Models = ["gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14", "gpt-3.5-turbo"];
    }

    public static Task<FakeOpenAIFineTuningServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new FakeOpenAIFineTuningServer(), cancellationToken);

    /// <summary>Checkpoints OpenAI keeps (the last few).</summary>
    public int CheckpointsKept { get; set; } = 3;

    protected override IReadOnlyList<FakeTuningStage> DefaultScript { get; } =
    [
        new("queued") { After = TimeSpan.FromMinutes(1) },
        new("running") { After = TimeSpan.FromMinutes(1) },
        new("running") { After = TimeSpan.FromMinutes(5), Metrics = new FakeTuningMetrics(5, 1.1, 1.3, 0.6) },
        new("running") { After = TimeSpan.FromMinutes(5), Metrics = new FakeTuningMetrics(10, 0.6, 0.8, 0.74) },
        new("succeeded") { After = TimeSpan.FromMinutes(1) },
    ];

    protected override string UnauthorizedBody => Error("Incorrect API key provided: sk-wr****ng. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");

    protected override string ErrorBody(FakeReply reply) => Error(reply.ErrorMessage ?? "", reply.ErrorType, reply.ErrorParam, reply.ErrorCode);

    protected override bool IsFinal(string status) => status is "succeeded" or "failed" or "cancelled";

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/files", UploadAsync);
        app.MapPost("/v1/fine_tuning/jobs", CreateAsync);
        app.MapGet("/v1/fine_tuning/jobs", (HttpContext c) =>
        {
            lock (Gate)
            {
                var data = new JsonArray([.. JobList.OrderByDescending(j => j.CreatedAt).Select(j => (JsonNode)JobJson(j))]);
                return WriteAsync(c, 200, new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false });
            }
        });
        app.MapGet("/v1/fine_tuning/jobs/{id}", (HttpContext c, string id) => WithJob(c, id, poll: true, j => WriteAsync(c, 200, JobJson(j))));
        app.MapGet("/v1/fine_tuning/jobs/{id}/events", (HttpContext c, string id) => WithJob(c, id, poll: false, j => WriteAsync(c, 200, Events(j, c.Request.Query))));
        app.MapGet("/v1/fine_tuning/jobs/{id}/checkpoints", (HttpContext c, string id) => WithJob(c, id, poll: false, j => WriteAsync(c, 200, Checkpoints(j))));
        app.MapPost("/v1/fine_tuning/jobs/{id}/cancel", (HttpContext c, string id) => WithJob(c, id, poll: false, j =>
        {
            lock (Gate)
            {
                if (IsFinal(j.Status))
                {
                    return WriteAsync(c, 400, Error($"Job {j.Id} has already completed.", "invalid_request_error", null, null));
                }

                j.Move("cancelled", TimeProvider.GetUtcNow());
                j.FinishedAt = j.ModifiedAt;
                return WriteAsync(c, 200, JobJson(j));
            }
        }));
        app.MapPost("/v1/fine_tuning/jobs/{id}/pause", (HttpContext c, string id) => WithJob(c, id, poll: false, j =>
        {
            lock (Gate)
            {
                if (j.Status != "running")
                {
                    return WriteAsync(c, 400, Error($"Job {j.Id} is {j.Status} and cannot be paused.", "invalid_request_error", null, null));
                }

                j.Move("paused", TimeProvider.GetUtcNow());
                j.Held = true;
                return WriteAsync(c, 200, JobJson(j));
            }
        }));
        app.MapPost("/v1/fine_tuning/jobs/{id}/resume", (HttpContext c, string id) => WithJob(c, id, poll: false, j =>
        {
            lock (Gate)
            {
                if (j.Status != "paused")
                {
                    return WriteAsync(c, 400, Error($"Job {j.Id} is {j.Status} and cannot be resumed.", "invalid_request_error", null, null));
                }

                j.Move("queued", TimeProvider.GetUtcNow());
                Release(j);
                return WriteAsync(c, 200, JobJson(j));
            }
        }));
    }

    protected override void Apply(FakeTuningJob job, FakeTuningStage stage, DateTimeOffset at)
    {
        if (stage.Status != job.Status || IsFinal(stage.Status))
        {
            job.Move(stage.Status, at);
        }

        if (stage.Metrics is { } metrics)
        {
            job.Reported.Add((metrics, at));
        }

        if (stage.Status == "failed")
        {
            job.Error = stage.Error ?? "The job failed due to an internal error.";
            job.ErrorCode = stage.ErrorCode ?? "internal_error";
        }

        if (IsFinal(stage.Status))
        {
            job.FinishedAt = at;
        }

        if (stage.Status == "succeeded")
        {
            string? suffix = Text(job.Request, "suffix");
            job.FineTunedModel = $"ft:{job.Model}:fake-org:{(suffix is null ? "" : suffix + ":")}{job.Id[^8..]}";
        }
    }

    private async Task UploadAsync(HttpContext context)
    {
        var upload = await ReadUploadAsync(context);
        if (upload is not { } file)
        {
            await WriteAsync(context, 400, Error("Missing file: expected a multipart form with a 'file' part.", "invalid_request_error", "file", null));
            return;
        }

        if (file.Purpose is null)
        {
            await WriteAsync(context, 400, Error("Missing purpose: 'purpose' is a required property.", "invalid_request_error", "purpose", null));
            return;
        }

        FakeUploadedFile stored;
        lock (Gate)
        {
            stored = new FakeUploadedFile($"file-{++_ids:D6}", file.FileName, file.Purpose, file.Content, TimeProvider.GetUtcNow());
            FileStore[stored.Id] = stored;
        }

        await WriteAsync(context, 200, new JsonObject
        {
            ["id"] = stored.Id,
            ["object"] = "file",
            ["bytes"] = stored.Bytes,
            ["created_at"] = stored.CreatedAt.ToUnixTimeSeconds(),
            ["filename"] = stored.FileName,
            ["purpose"] = stored.Purpose,
            ["status"] = "processed",
        });
    }

    private async Task CreateAsync(HttpContext context)
    {
        JsonObject? body = null;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (body is null)
        {
            await WriteAsync(context, 400, Error("We could not parse the JSON body of your request.", "invalid_request_error", null, null));
            return;
        }

        foreach (string required in new[] { "model", "training_file" })
        {
            if (Text(body, required) is null)
            {
                await WriteAsync(context, 400, Error($"Missing required parameter: '{required}'.", "invalid_request_error", required, "missing_required_parameter"));
                return;
            }
        }

        string model = Text(body, "model")!;
        if (!Models.Contains(model))
        {
            await WriteAsync(context, 400, Error($"Model {model} is not available for fine-tuning or does not exist.", "invalid_request_error", "model", "model_not_available"));
            return;
        }

        var hyper = (body["method"] as JsonObject)?["supervised"]?["hyperparameters"] as JsonObject ?? body["hyperparameters"] as JsonObject ?? [];
        if (Number(hyper, "n_epochs") is { } epochs && (epochs < 1 || epochs > 50 || epochs != Math.Floor(epochs)))
        {
            await WriteAsync(context, 400, Error($"Invalid value for n_epochs: {epochs.ToString(CultureInfo.InvariantCulture)}. Must be an integer between 1 and 50.", "invalid_request_error", "hyperparameters.n_epochs", "invalid_value"));
            return;
        }

        string trainingId = Text(body, "training_file")!;
        string? validationId = Text(body, "validation_file");
        FakeUploadedFile? training, validation = null;
        lock (Gate)
        {
            training = FileStore.GetValueOrDefault(trainingId);
            if (validationId is not null)
            {
                validation = FileStore.GetValueOrDefault(validationId);
            }
        }

        if (training is null || (validationId is not null && validation is null))
        {
            string missing = training is null ? trainingId : validationId!;
            await WriteAsync(context, 400, Error($"invalid training_file: {missing}", "invalid_request_error", training is null ? "training_file" : "validation_file", null));
            return;
        }

        if (training.Purpose != "fine-tune")
        {
            await WriteAsync(context, 400, Error($"File {training.Id} has purpose '{training.Purpose}'; fine-tuning needs purpose 'fine-tune'.", "invalid_request_error", "training_file", null));
            return;
        }

        FakeTuningJob job;
        lock (Gate)
        {
            job = CreateJob($"ftjob-{++_ids:D8}fake", model, body, autoStart: true, "validating_files");
            job.TrainTokens = training.Words * (long)(Number(hyper, "n_epochs") ?? 3);
        }

        await WriteAsync(context, 200, JobJson(job));
    }

    private Task WithJob(HttpContext context, string id, bool poll, Func<FakeTuningJob, Task> then) =>
        FindJob(id, poll) is { } job ? then(job) : WriteAsync(context, 404, Error($"Could not find fine-tune: {id}", "invalid_request_error", "fine_tune_id", "fine_tune_not_found"));

    private JsonObject JobJson(FakeTuningJob job)
    {
        lock (Gate)
        {
            var request = job.Request;
            var hyper = (request["method"] as JsonObject)?["supervised"]?["hyperparameters"] as JsonObject ?? request["hyperparameters"] as JsonObject ?? [];
            var echoed = new JsonObject
            {
                ["n_epochs"] = Number(hyper, "n_epochs") is { } e ? (long)e : 3,
                ["batch_size"] = Number(hyper, "batch_size") is { } b ? (long)b : 1,
                ["learning_rate_multiplier"] = Number(hyper, "learning_rate_multiplier") ?? 1.8,
            };
            return new JsonObject
            {
                ["object"] = "fine_tuning.job",
                ["id"] = job.Id,
                ["model"] = job.Model,
                ["created_at"] = job.CreatedAt.ToUnixTimeSeconds(),
                ["finished_at"] = job.FinishedAt?.ToUnixTimeSeconds(),
                ["fine_tuned_model"] = job.FineTunedModel,
                ["organization_id"] = "org-fake",
                ["result_files"] = new JsonArray(),
                ["status"] = job.Status,
                ["validation_file"] = Text(request, "validation_file"),
                ["training_file"] = Text(request, "training_file"),
                ["hyperparameters"] = echoed.DeepClone(),
                ["trained_tokens"] = job.Status == "succeeded" ? job.TrainTokens : null,
                ["error"] = job.Error is null ? null : new JsonObject { ["code"] = job.ErrorCode, ["message"] = job.Error, ["param"] = job.ErrorCode == "invalid_training_file" ? "training_file" : null },
                ["integrations"] = new JsonArray(),
                ["seed"] = Number(request, "seed") is { } seed ? (long)seed : 42,
                ["estimated_finish"] = null,
                ["method"] = new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject { ["hyperparameters"] = echoed } },
                ["metadata"] = request["metadata"]?.DeepClone(),
            };
        }
    }

    /// <summary>Every event of a job, oldest first. Ids are stable: each kind of event is numbered within its own append-only list.</summary>
    private List<JsonObject> AllEvents(FakeTuningJob job)
    {
        var events = new List<(DateTimeOffset At, int Order, JsonObject Event)>();
        for (int i = 0; i < job.StatusHistory.Count; i++)
        {
            var (status, at) = job.StatusHistory[i];
            string message = status switch
            {
                "validating_files" => $"Validating training file: {Text(job.Request, "training_file")}",
                "queued" => "Files validated, moving job to queued state",
                "running" => "Fine-tuning job started",
                "paused" => "Fine-tuning job paused",
                "succeeded" => "The job has successfully completed",
                "failed" => job.Error ?? "The job failed",
                "cancelled" => "The job was cancelled",
                _ => status,
            };
            if (status == "succeeded")
            {
                events.Add((at, 2 * i, Event(job, $"c{i:D4}", at, "info", $"New fine-tuned model created: {job.FineTunedModel}", "message", null)));
            }

            events.Add((at, 2 * i + 1, Event(job, $"s{i:D4}", at, status == "failed" ? "error" : "info", message, "message", null)));
        }

        int total = job.Script.Where(s => s.Metrics is not null).Select(s => s.Metrics!.Step).DefaultIfEmpty(0).Max();
        for (int i = 0; i < job.Reported.Count; i++)
        {
            var (metrics, at) = job.Reported[i];
            var data = new JsonObject
            {
                ["step"] = metrics.Step,
                ["train_loss"] = metrics.TrainLoss,
                ["total_steps"] = total,
                ["train_mean_token_accuracy"] = metrics.ValidAccuracy is { } a ? a - 0.05 : null,
            };
            if (metrics.ValidLoss is { } valid)
            {
                data["valid_loss"] = valid;
                data["valid_mean_token_accuracy"] = metrics.ValidAccuracy;
            }

            events.Add((at, -1, Event(job, $"m{i:D4}", at, "info", $"Step {metrics.Step}/{total}: training loss={metrics.TrainLoss.ToString("0.####", CultureInfo.InvariantCulture)}", "metrics", data)));
        }

        return [.. events.OrderBy(e => e.At).ThenBy(e => e.Order).Select(e => e.Event)];
    }

    private static JsonObject Event(FakeTuningJob job, string number, DateTimeOffset at, string level, string message, string type, JsonObject? data) => new()
    {
        ["object"] = "fine_tuning.job.event",
        ["id"] = $"ftevent-{job.Id[6..]}-{number}",
        ["created_at"] = at.ToUnixTimeSeconds(),
        ["level"] = level,
        ["message"] = message,
        ["data"] = data ?? new JsonObject(),
        ["type"] = type,
    };

    private JsonObject Events(FakeTuningJob job, IQueryCollection query)
    {
        lock (Gate)
        {
            int limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
            var newestFirst = AllEvents(job);
            newestFirst.Reverse();
            int start = 0;
            if (query["after"].ToString() is { Length: > 0 } after)
            {
                int index = newestFirst.FindIndex(e => (string?)e["id"] == after);
                start = index < 0 ? newestFirst.Count : index + 1;
            }

            var page = newestFirst.Skip(start).Take(limit).ToList();
            return new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. page]),
                ["has_more"] = start + page.Count < newestFirst.Count,
            };
        }
    }

    private JsonObject Checkpoints(FakeTuningJob job)
    {
        lock (Gate)
        {
            var kept = job.Reported.TakeLast(CheckpointsKept).Reverse().Select(r => (JsonNode)new JsonObject
            {
                ["object"] = "fine_tuning.job.checkpoint",
                ["id"] = $"ftckpt_{job.Id[6..]}{r.Metrics.Step:D4}",
                ["created_at"] = r.At.ToUnixTimeSeconds(),
                ["fine_tuned_model_checkpoint"] = $"ft:{job.Model}:fake-org::{job.Id[^8..]}:ckpt-step-{r.Metrics.Step}",
                ["metrics"] = new JsonObject
                {
                    ["step"] = r.Metrics.Step,
                    ["train_loss"] = r.Metrics.TrainLoss,
                    ["full_valid_loss"] = r.Metrics.ValidLoss,
                    ["full_valid_mean_token_accuracy"] = r.Metrics.ValidAccuracy,
                },
                ["fine_tuning_job_id"] = job.Id,
                ["step_number"] = r.Metrics.Step,
            }).ToList();
            return new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. kept]),
                ["first_id"] = kept.FirstOrDefault()?["id"]?.DeepClone(),
                ["last_id"] = kept.LastOrDefault()?["id"]?.DeepClone(),
                ["has_more"] = false,
            };
        }
    }

    private static string Error(string message, string? type, string? param, string? code) => new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    }.ToJsonString();

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
