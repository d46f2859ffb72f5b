using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tailor.Testing;

/// <summary>
/// A fake of Mistral's files and (deprecated) fine-tuning API, over real HTTP, following its documented contract:
/// <c>POST /v1/files</c> (multipart, <c>purpose</c> fine-tune), <c>DELETE /v1/files/{id}</c>, <c>POST /v1/fine_tuning/jobs</c>
/// (<c>JobIn</c>: <c>model</c>, <c>training_files[{file_id, weight}]</c>, <c>validation_files</c>, <c>hyperparameters</c>,
/// <c>suffix</c>, <c>auto_start</c>; <c>?dry_run=true</c> answers <c>LegacyJobMetadataOut</c>), <c>GET /v1/fine_tuning/jobs</c>,
/// <c>GET /v1/fine_tuning/jobs/{id}</c> (the detailed job with <c>events</c> and <c>checkpoints</c>), <c>POST …/cancel</c> and
/// <c>POST …/start</c>. Statuses QUEUED … SUCCESS/FAILED/CANCELLED. Errors use Mistral's shapes: 401
/// <c>{"message":"Unauthorized"}</c>, 422 with a FastAPI <c>detail</c> list, 400/404 <c>{"object":"error","message",…}</c>.
/// </summary>
/// <remarks>
/// Dry-run figures are deterministic: data tokens are the words of the training files, a step trains
/// <see cref="TokensPerStep"/> tokens, and the cost is <see cref="PricePerMillion"/> per million trained tokens with
/// Mistral's $4 minimum. Thread-safe; dispose to stop.
/// </remarks>
public sealed class FakeMistralFineTuningServer : FakeFineTuningServer
{
    private static readonly HashSet<string> Purposes = ["fine-tune", "batch", "ocr", "audio"];

    private FakeMistralFineTuningServer()
    {
        Models = ["open-mistral-7b", "mistral-small-latest", "ministral-8b-latest"];
    }

    /// <summary>Tokens one training step consumes (dry-run arithmetic).</summary>
    public long TokensPerStep { get; set; } = 1000;

    public decimal PricePerMillion { get; set; } = 2m;

    public static Task<FakeMistralFineTuningServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new FakeMistralFineTuningServer(), cancellationToken);

    protected override IReadOnlyList<FakeTuningStage> DefaultScript { get; } =
    [
        new("VALIDATING") { After = TimeSpan.FromMinutes(1) },
        new("VALIDATED") { After = TimeSpan.FromMinutes(1) },
        new("RUNNING") { After = TimeSpan.FromMinutes(1) },
        new("RUNNING") { After = TimeSpan.FromMinutes(5), Metrics = new FakeTuningMetrics(5, 1.25, 1.4, 0.55) },
        new("RUNNING") { After = TimeSpan.FromMinutes(5), Metrics = new FakeTuningMetrics(10, 0.75, 0.9, 0.71) },
        new("SUCCESS") { After = TimeSpan.FromMinutes(1) },
    ];

    protected override string UnauthorizedBody => new JsonObject { ["message"] = "Unauthorized", ["request_id"] = "fake-request" }.ToJsonString();

    protected override string ErrorBody(FakeReply reply) => Error(reply.ErrorMessage ?? "", reply.ErrorType ?? "invalid_request_error", reply.ErrorCode);

    protected override bool IsFinal(string status) => status is "SUCCESS" or "FAILED" or "FAILED_VALIDATION" or "CANCELLED";

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/files", UploadAsync);
        app.MapGet("/v1/files/{id}", (HttpContext c, string id) => WithFile(c, id, f => WriteAsync(c, 200, FileJson(f))));
        app.MapDelete("/v1/files/{id}", (HttpContext c, string id) => WithFile(c, id, f =>
        {
            lock (Gate)
            {
                FileStore.Remove(f.Id);
            }

            return WriteAsync(c, 200, new JsonObject { ["id"] = f.Id, ["object"] = "file", ["deleted"] = true });
        }));
        app.MapPost("/v1/fine_tuning/jobs", CreateAsync);
        app.MapGet("/v1/fine_tuning/jobs", ListAsync);
        app.MapGet("/v1/fine_tuning/jobs/{id}", (HttpContext c, string id) => WithJob(c, id, poll: true, j => WriteAsync(c, 200, JobJson(j, detailed: true))));
        app.MapPost("/v1/fine_tuning/jobs/{id}/cancel", (HttpContext c, string id) => WithJob(c, id, poll: false, j =>
        {
            lock (Gate)
            {
                if (IsFinal(j.Status))
                {
                    return WriteAsync(c, 400, Error($"Job {j.Id} cannot be cancelled: it is {j.Status}", "invalid_request_error", null));
                }

                var now = TimeProvider.GetUtcNow();
                j.Move("CANCELLATION_REQUESTED", now);
                // Mistral confirms a cancellation on a later read: the next stage of this job is its end.
                Interject(j, new FakeTuningStage("CANCELLED"));
                return WriteAsync(c, 200, JobJson(j, detailed: true));
            }
        }));
        app.MapPost("/v1/fine_tuning/jobs/{id}/start", (HttpContext c, string id) => WithJob(c, id, poll: false, j =>
        {
            lock (Gate)
            {
                if (j.Status != "VALIDATED" || !j.Held)
                {
                    return WriteAsync(c, 400, Error($"Job {j.Id} is {j.Status}; only a VALIDATED job waiting to start can be started", "invalid_request_error", null));
                }

                Release(j);
                return WriteAsync(c, 200, JobJson(j, detailed: true));
            }
        }));
    }

    protected override void Apply(FakeTuningJob job, FakeTuningStage stage, DateTimeOffset at)
    {
        if (stage.Status != job.Status || stage.Status is "SUCCESS" or "FAILED" or "FAILED_VALIDATION" or "CANCELLED")
        {
            job.Move(stage.Status, at);
        }

        if (stage.Metrics is { } metrics)
        {
            job.Reported.Add((metrics, at));
        }

        if (stage.Status == "VALIDATED" && !job.AutoStart)
        {
            job.Held = true;
        }

        if (stage.Status is "FAILED" or "FAILED_VALIDATION")
        {
            job.Error = stage.Error ?? "The job failed";
        }

        if (stage.Status == "SUCCESS")
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(job.Id)));
            string? suffix = JsonString(job.Request, "suffix");
            job.FineTunedModel = $"ft:{job.Model}:{hash[..8]}:{at:yyyyMMdd}:{(suffix is null ? "" : suffix + ":")}{hash[8..16]}";
        }
    }

    private async Task UploadAsync(HttpContext context)
    {
        var upload = await ReadUploadAsync(context);
        if (upload is not { } file)
        {
            await WriteAsync(context, 422, Validation(("file", "missing", "Field required")));
            return;
        }

        string purpose = file.Purpose ?? "fine-tune";
        if (!Purposes.Contains(purpose))
        {
            await WriteAsync(context, 422, Validation(("purpose", "enum", "Input should be 'fine-tune', 'batch', 'ocr' or 'audio'")));
            return;
        }

        if (purpose == "fine-tune" && !file.FileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            await WriteAsync(context, 400, Error("Invalid file format: fine-tuning files must be .jsonl", "invalid_request_error", null));
            return;
        }

        FakeUploadedFile stored;
        lock (Gate)
        {
            stored = new FakeUploadedFile(Guid.NewGuid().ToString(), file.FileName, purpose, file.Content, TimeProvider.GetUtcNow());
            FileStore[stored.Id] = stored;
        }

        await WriteAsync(context, 200, FileJson(stored));
    }

    private async Task CreateAsync(HttpContext context)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            await WriteAsync(context, 422, Validation(("", "json_invalid", "JSON decode error")));
            return;
        }

        var missing = new[] { "model", "hyperparameters" }.Where(k => body[k] is null).Select(k => (k, "missing", "Field required")).ToArray();
        if (missing.Length > 0)
        {
            await WriteAsync(context, 422, Validation(missing));
            return;
        }

        var hyper = body["hyperparameters"] as JsonObject ?? [];
        if (JsonNumber(hyper, "learning_rate") is { } lr && (lr <= 0 || lr > 1))
        {
            await WriteAsync(context, 422, Validation(("hyperparameters.learning_rate", "less_than_equal", "Input should be greater than 0 and less than or equal to 1")));
            return;
        }

        string model = JsonString(body, "model")!;
        if (!Models.Contains(model))
        {
            await WriteAsync(context, 400, Error($"Model not available for this type of fine-tuning (completion). Available models: {string.Join(", ", Models)}", "invalid_request_error", null));
            return;
        }

        var trainingIds = (body["training_files"] as JsonArray ?? []).Select(t => t is JsonObject o ? JsonString(o, "file_id") : null).ToList();
        var validationIds = (body["validation_files"] as JsonArray ?? []).Select(v => v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null).ToList();
        if (trainingIds.Count == 0)
        {
            await WriteAsync(context, 422, Validation(("training_files", "too_short", "List should have at least 1 item after validation, not 0")));
            return;
        }

        FakeUploadedFile[] trainingFiles;
        string? unknown;
        lock (Gate)
        {
            unknown = trainingIds.Concat(validationIds).FirstOrDefault(id => id is null || !FileStore.ContainsKey(id), "");
            trainingFiles = unknown is { Length: 0 } ? [.. trainingIds.Select(id => FileStore[id!])] : [];
        }

        if (unknown is not { Length: 0 })
        {
            await WriteAsync(context, 404, Error($"File with id '{unknown ?? "null"}' not found", "invalid_request_error", "1404"));
            return;
        }

        bool dryRun = string.Equals(context.Request.Query["dry_run"], "true", StringComparison.OrdinalIgnoreCase);
        var (trainTokens, dataTokens, steps, epochs) = Plan(trainingFiles, hyper);
        if (dryRun)
        {
            decimal cost = Math.Max(4m, Math.Round(trainTokens / 1_000_000m * PricePerMillion, 2));
            await WriteAsync(context, 200, new JsonObject
            {
                ["object"] = "job.metadata",
                ["expected_duration_seconds"] = trainTokens / 500 + 60,
                ["cost"] = (double)cost,
                ["cost_currency"] = "USD",
                ["train_tokens_per_step"] = TokensPerStep,
                ["train_tokens"] = trainTokens,
                ["data_tokens"] = dataTokens,
                ["estimated_start_time"] = TimeProvider.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds(),
                ["epochs"] = Math.Round(epochs, 4),
                ["training_steps"] = steps,
                ["deprecated"] = true,
                ["details"] = "",
            });
            return;
        }

        FakeTuningJob job;
        lock (Gate)
        {
            bool autoStart = body["auto_start"]?.GetValueKind() != JsonValueKind.False;
            job = CreateJob(Guid.NewGuid().ToString(), model, body, autoStart, "QUEUED");
            job.TrainTokens = trainTokens;
            job.DataTokens = dataTokens;
            job.PlannedSteps = steps;
            job.PlannedEpochs = epochs;
        }

        await WriteAsync(context, 200, JobJson(job, detailed: true));
    }

    private (long TrainTokens, long DataTokens, long Steps, double Epochs) Plan(FakeUploadedFile[] files, JsonObject hyper)
    {
        long data = Math.Max(1, files.Sum(f => f.Words));
        if (JsonNumber(hyper, "training_steps") is { } s)
        {
            long train = (long)s * TokensPerStep;
            return (train, data, (long)s, train / (double)data);
        }

        double epochs = JsonNumber(hyper, "epochs") ?? 1;
        long trained = (long)Math.Ceiling(epochs * data);
        return (trained, data, Math.Max(1, (long)Math.Ceiling(trained / (double)TokensPerStep)), epochs);
    }

    private Task ListAsync(HttpContext context)
    {
        JsonArray data;
        lock (Gate)
        {
            data = [.. JobList.OrderByDescending(j => j.CreatedAt).Select(j => (JsonNode)JobJson(j, detailed: false))];
        }

        return WriteAsync(context, 200, new JsonObject { ["data"] = data, ["object"] = "list", ["total"] = data.Count });
    }

    private Task WithJob(HttpContext context, string id, bool poll, Func<FakeTuningJob, Task> then) =>
        FindJob(id, poll) is { } job ? then(job) : WriteAsync(context, 404, Error($"No fine-tuning job with id '{id}'", "invalid_request_error", "1404"));

    private Task WithFile(HttpContext context, string id, Func<FakeUploadedFile, Task> then)
    {
        FakeUploadedFile? file;
        lock (Gate)
        {
            file = FileStore.GetValueOrDefault(id);
        }

        return file is null ? WriteAsync(context, 404, Error($"File with id '{id}' not found", "invalid_request_error", "1404")) : then(file);
    }

    private JsonObject JobJson(FakeTuningJob job, bool detailed)
    {
        lock (Gate)
        {
            var request = job.Request;
            var hyper = request["hyperparameters"] as JsonObject ?? [];
            var echoed = new JsonObject
            {
                ["training_steps"] = JsonNumber(hyper, "training_steps") is { } s ? (long)s : job.PlannedSteps,
                ["learning_rate"] = JsonNumber(hyper, "learning_rate") ?? 0.0001,
                ["weight_decay"] = JsonNumber(hyper, "weight_decay") ?? 0.1,
                ["warmup_fraction"] = JsonNumber(hyper, "warmup_fraction") ?? 0.05,
                ["epochs"] = JsonNumber(hyper, "epochs") ?? job.PlannedEpochs,
                ["seq_len"] = JsonNumber(hyper, "seq_len") is { } len ? (long)len : 32768,
                ["fim_ratio"] = null,
            };
            bool succeeded = job.Status == "SUCCESS";
            var json = new JsonObject
            {
                ["id"] = job.Id,
                ["auto_start"] = job.AutoStart,
                ["model"] = job.Model,
                ["status"] = job.Status,
                ["job_type"] = "completion",
                ["created_at"] = job.CreatedAt.ToUnixTimeSeconds(),
                ["modified_at"] = job.ModifiedAt.ToUnixTimeSeconds(),
                ["training_files"] = new JsonArray([.. (request["training_files"] as JsonArray ?? []).Select(t => (JsonNode?)JsonValue.Create(t is JsonObject o ? JsonString(o, "file_id") : null))]),
                ["validation_files"] = (request["validation_files"] as JsonArray)?.DeepClone() ?? new JsonArray(),
                ["object"] = "job",
                ["fine_tuned_model"] = job.FineTunedModel,
                ["suffix"] = JsonString(request, "suffix"),
                ["integrations"] = new JsonArray(),
                ["trained_tokens"] = succeeded ? job.TrainTokens : null,
                ["metadata"] = new JsonObject
                {
                    ["expected_duration_seconds"] = (job.TrainTokens ?? 0) / 500 + 60,
                    ["cost"] = (double)Math.Max(4m, Math.Round((job.TrainTokens ?? 0) / 1_000_000m * PricePerMillion, 2)),
                    ["cost_currency"] = "USD",
                    ["train_tokens_per_step"] = TokensPerStep,
                    ["train_tokens"] = job.TrainTokens,
                    ["data_tokens"] = job.DataTokens,
                },
                ["hyperparameters"] = echoed,
                ["repositories"] = new JsonArray(),
            };
            if (detailed)
            {
                json["events"] = new JsonArray([.. job.StatusHistory.Select(h => (JsonNode)new JsonObject
                {
                    ["name"] = "status-updated",
                    ["data"] = h.Status is "FAILED" or "FAILED_VALIDATION" && job.Error is { } error
                        ? new JsonObject { ["status"] = h.Status, ["error"] = error }
                        : new JsonObject { ["status"] = h.Status },
                    ["created_at"] = h.At.ToUnixTimeSeconds(),
                })]);
                json["checkpoints"] = new JsonArray([.. job.Reported.Select(r => (JsonNode)new JsonObject
                {
                    ["metrics"] = new JsonObject
                    {
                        ["train_loss"] = r.Metrics.TrainLoss,
                        ["valid_loss"] = r.Metrics.ValidLoss,
                        ["valid_mean_token_accuracy"] = r.Metrics.ValidAccuracy,
                    },
                    ["step_number"] = r.Metrics.Step,
                    ["created_at"] = r.At.ToUnixTimeSeconds(),
                })]);
            }

            return json;
        }
    }

    private static JsonObject FileJson(FakeUploadedFile file) => new()
    {
        ["id"] = file.Id,
        ["object"] = "file",
        ["bytes"] = file.Bytes,
        ["created_at"] = file.CreatedAt.ToUnixTimeSeconds(),
        ["filename"] = file.FileName,
        ["purpose"] = file.Purpose,
        ["sample_type"] = "instruct",
        ["num_lines"] = file.Lines,
        ["mimetype"] = "application/jsonl",
        ["source"] = "upload",
    };

    private static string Error(string message, string type, string? code) => new JsonObject
    {
        ["object"] = "error",
        ["message"] = message,
        ["type"] = type,
        ["param"] = null,
        ["code"] = code,
    }.ToJsonString();

    private static string Validation(params (string Field, string Type, string Message)[] problems) => new JsonObject
    {
        ["object"] = "error",
        ["message"] = new JsonObject
        {
            ["detail"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject
            {
                ["type"] = p.Type,
                ["loc"] = new JsonArray([.. new[] { "body" }.Concat(p.Field.Length == 0 ? [] : p.Field.Split('.')).Select(s => (JsonNode)JsonValue.Create(s))]),
                ["msg"] = p.Message,
            })]),
        },
        ["type"] = "invalid_request_error",
        ["param"] = null,
        ["code"] = null,
    }.ToJsonString();

    private static string? JsonString(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? JsonNumber(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
