using System.Text.Json.Nodes;
using Tailor.Data;
using Tailor.Data.Tokens;

namespace Tailor.Tuning.Backends.OpenAI;

/// <summary>
/// OpenAI's fine-tuning API, and hosted trainers that speak it (pass their API root): uploads the prepared data
/// (<c>POST /files</c>, <c>purpose=fine-tune</c>; several training files become one), creates a supervised job
/// (<c>method.supervised.hyperparameters</c>: <c>n_epochs</c>, <c>batch_size</c>, <c>learning_rate_multiplier</c>), reads the
/// job, its events (metrics events feed the loss chart) and checkpoints, cancels, and resumes a paused job.
/// </summary>
/// <remarks>Thread-safe; keeps nothing per job in memory (the newest event seen is kept in the job's state).</remarks>
public sealed class OpenAITuningBackend(HostedTuningOptions options) : ITuningBackend
{
    public const string BackendName = "openai";

    public static Uri DefaultBaseUri { get; } = new("https://api.openai.com/v1/");

    private const int EventPage = 100;
    private const int MaxEventPages = 50;
    private static readonly string[] Supported = ["epochs", "batch", "lr-multiplier", "seed"];

    public string Name => BackendName;

    public DatasetFormat? DataFormat => DatasetFormat.OpenAI;

    /// <summary>Options for api.openai.com and <c>OPENAI_API_KEY</c>.</summary>
    public static HostedTuningOptions Defaults(Func<string, string?> getEnvironmentVariable) => new()
    {
        DefaultBaseUri = DefaultBaseUri,
        DefaultKeyVariable = "OPENAI_API_KEY",
        GetEnvironmentVariable = getEnvironmentVariable,
    };

    public IReadOnlyList<string> Validate(TuningRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        foreach (string option in request.Hyperparameters.SetOptionNames().Where(o => !Supported.Contains(o)))
        {
            problems.Add(option switch
            {
                "lr" => "--lr is not an OpenAI setting: OpenAI scales its own rate with --lr-multiplier",
                "steps" => "--steps is not an OpenAI setting: OpenAI trains whole epochs (--epochs)",
                _ => $"--{option} is not an OpenAI fine-tuning setting (OpenAI takes {string.Join(", ", Supported.Select(s => "--" + s))})",
            });
        }

        var h = request.Hyperparameters;
        if (h.Epochs is { } epochs && (epochs != Math.Floor(epochs) || epochs is < 1 or > 50))
        {
            problems.Add("--epochs must be a whole number from 1 to 50 for OpenAI");
        }

        if (h.BatchSize is < 1 or > 256)
        {
            problems.Add("--batch must be from 1 to 256 for OpenAI");
        }

        if (h.LearningRateMultiplier is <= 0)
        {
            problems.Add("--lr-multiplier must be positive");
        }

        if (request.Suffix is { Length: > 64 })
        {
            problems.Add("--suffix is longer than OpenAI's 64 characters");
        }

        if (request.TrainingFiles.Concat(request.ValidationFiles).Any(f => f.Weight != 1))
        {
            problems.Add("OpenAI takes no per-file weights (file.jsonl:weight); drop the weights or mix the files with 'tailor data mix'");
        }

        return problems;
    }

    public string? CheckExample(Conversation conversation) => null;

    public ITuningCostEstimator CreateEstimator(TuningRequest request, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OpenAICostEstimator(request.BaseReference, request.Hyperparameters.Epochs is { } e ? (int)e : null,
            HostedPrices.Find(options.PricePerMillionTokens, HostedPrices.OpenAI, request.BaseReference));
    }

    public Task<TuningDryRun> DryRunAsync(TuningLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var request = launch.Job.Request;
        int epochs = request.Hyperparameters.Epochs is { } e ? (int)e : OpenAICostEstimator.AutoEpochs(launch.Tokens.Examples);
        var estimate = CreateEstimator(request, launch.ProjectDirectory).Estimate(launch.Tokens);
        return Task.FromResult(new TuningDryRun(estimate, launch.Tokens.TotalTokens * epochs, launch.Tokens.TotalTokens, epochs, null,
            ["OpenAI has no dry-run endpoint: this estimate is computed here from the token counts and the price list"]));
    }

    public async Task<TuningSnapshot> StartAsync(TuningLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var request = launch.Job.Request;
        var api = Api(request);
        string training = await UploadAsync(api, launch.TrainingFiles, Path.Combine(launch.Job.WorkDirectory, "openai-train.jsonl"), cancellationToken);
        string? validation = launch.ValidationFiles.Count == 0 ? null
            : await UploadAsync(api, launch.ValidationFiles, Path.Combine(launch.Job.WorkDirectory, "openai-validation.jsonl"), cancellationToken);

        var h = request.Hyperparameters;
        var hyper = new JsonObject();
        if (h.Epochs is { } epochs)
        {
            hyper["n_epochs"] = (int)epochs;
        }

        if (h.BatchSize is { } batch)
        {
            hyper["batch_size"] = batch;
        }

        if (h.LearningRateMultiplier is { } multiplier)
        {
            hyper["learning_rate_multiplier"] = multiplier;
        }

        var body = new JsonObject
        {
            ["model"] = request.BaseReference,
            ["training_file"] = training,
            ["method"] = new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject { ["hyperparameters"] = hyper } },
            ["metadata"] = new JsonObject { ["tailor_job"] = launch.Job.Id },
        };
        if (validation is not null)
        {
            body["validation_file"] = validation;
        }

        if (request.Suffix is { } suffix)
        {
            body["suffix"] = suffix;
        }

        if (h.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        var job = await api.PostAsync("fine_tuning/jobs", body, "the job creation", cancellationToken);
        var state = new Dictionary<string, string>(StringComparer.Ordinal) { ["training_file_id"] = training };
        if (validation is not null)
        {
            state["validation_file_id"] = validation;
        }

        return Snapshot(job, request, [], [], null) with { State = state };
    }

    public async Task<TuningSnapshot> GetAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var api = Api(job.Request);
        string id = Uri.EscapeDataString(ExternalId(job));
        var current = await api.GetAsync($"fine_tuning/jobs/{id}", $"job {job.ExternalId}", cancellationToken);

        // Events come newest first; page back until the newest one seen last time.
        string? seen = job.State.GetValueOrDefault("last_event_id");
        var events = new List<JsonNode>();
        string? after = null;
        for (int page = 0; page < MaxEventPages; page++)
        {
            var list = await api.GetAsync($"fine_tuning/jobs/{id}/events?limit={EventPage}{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}",
                $"the events of job {job.ExternalId}", cancellationToken);
            var items = JsonFields.Items(list, "data").ToList();
            int known = items.FindIndex(e => JsonFields.Text(e, "id") == seen);
            events.AddRange(known >= 0 ? items.Take(known) : items);
            if (known >= 0 || JsonFields.Flag(list, "has_more") != true || items.Count == 0)
            {
                break;
            }

            after = JsonFields.Text(items[^1], "id");
        }

        var checkpoints = await api.GetAsync($"fine_tuning/jobs/{id}/checkpoints?limit=100", $"the checkpoints of job {job.ExternalId}", cancellationToken);
        return Snapshot(current, job.Request, events, JsonFields.Items(checkpoints, "data").ToList(), seen);
    }

    public async Task<TuningSnapshot> CancelAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var id = ExternalId(job);
        return Snapshot(await Api(job.Request).PostAsync($"fine_tuning/jobs/{Uri.EscapeDataString(id)}/cancel", null, $"the cancellation of job {id}", cancellationToken),
            job.Request, [], [], null);
    }

    public async Task<TuningSnapshot> ResumeAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status != TuningJobStatus.Paused)
        {
            throw new TuningException($"OpenAI cannot resume a job that is {job.Status.ToName()}: only a paused job resumes",
                "start a new job; 'tailor tune start --from " + job.Id + "' repeats this one's recipe");
        }

        var id = ExternalId(job);
        return Snapshot(await Api(job.Request).PostAsync($"fine_tuning/jobs/{Uri.EscapeDataString(id)}/resume", null, $"the resumption of job {id}", cancellationToken),
            job.Request, [], [], null);
    }

    private FineTuningApi Api(TuningRequest request) => new("OpenAI", request.BaseUrl, request.ApiKeyEnv, options);

    private static string ExternalId(TuningJob job) =>
        job.ExternalId ?? throw new TuningException($"job {job.Id} never reached OpenAI (it has no OpenAI job id)", "start it again");

    /// <summary>Uploads one file, concatenating several into <paramref name="merged"/> first (OpenAI takes one file per role).</summary>
    private static async Task<string> UploadAsync(FineTuningApi api, IReadOnlyList<PreparedFile> files, string merged, CancellationToken cancellationToken)
    {
        string path = files[0].Path;
        if (files.Count > 1)
        {
            await using (var output = File.Create(merged))
            {
                foreach (var file in files)
                {
                    await using var input = File.OpenRead(file.Path);
                    await input.CopyToAsync(output, cancellationToken);
                }
            }

            path = merged;
        }

        var uploaded = await api.UploadAsync(path, files.Count > 1 ? Path.GetFileName(merged) : Path.GetFileName(files[0].Source.Path), cancellationToken);
        return JsonFields.Text(uploaded, "id") ?? throw new TuningException("OpenAI accepted the upload but returned no file id", isInputError: false);
    }

    private static TuningSnapshot Snapshot(JsonNode job, TuningRequest request, IReadOnlyList<JsonNode> newestFirst, IReadOnlyList<JsonNode> checkpointItems, string? seenEventId)
    {
        string? status = JsonFields.Text(job, "status");
        var mapped = OpenAIStatuses.Map(status);
        var events = new List<TuningEvent>();
        var metrics = new List<TuningMetric>();
        int? totalSteps = null;
        foreach (var e in newestFirst.Reverse())
        {
            string id = JsonFields.Text(e, "id") ?? "";
            var at = JsonFields.Seconds(e, "created_at") ?? DateTimeOffset.UnixEpoch;
            string type = JsonFields.Text(e, "type") ?? "message";
            var level = JsonFields.Text(e, "level") switch
            {
                "warn" => TuningEventLevel.Warning,
                "error" => TuningEventLevel.Error,
                _ => TuningEventLevel.Info,
            };
            events.Add(new TuningEvent(id, at, level, type == "metrics" ? "metrics" : "message", JsonFields.Text(e, "message") ?? "", JsonFields.Raw(e, "data")));
            if (type == "metrics" && e["data"] is { } data && JsonFields.Integer(data, "step") is { } step)
            {
                metrics.Add(new TuningMetric((int)step, JsonFields.Number(data, "train_loss"), JsonFields.Number(data, "valid_loss"),
                    JsonFields.Number(data, "valid_mean_token_accuracy")) { At = at });
                totalSteps = JsonFields.Integer(data, "total_steps") is { } total ? (int)total : totalSteps;
            }
        }

        var checkpoints = checkpointItems
            .Where(c => JsonFields.Integer(c, "step_number") is not null)
            .Select(c =>
            {
                var m = c["metrics"];
                return new TuningCheckpoint((int)JsonFields.Integer(c, "step_number")!.Value, JsonFields.Seconds(c, "created_at") ?? DateTimeOffset.UnixEpoch,
                    JsonFields.Text(c, "fine_tuned_model_checkpoint"), JsonFields.Number(m, "train_loss"),
                    JsonFields.Number(m, "full_valid_loss") ?? JsonFields.Number(m, "valid_loss"),
                    JsonFields.Number(m, "full_valid_mean_token_accuracy") ?? JsonFields.Number(m, "valid_mean_token_accuracy"));
            })
            .OrderBy(c => c.Step)
            .ToList();

        string? model = JsonFields.Text(job, "fine_tuned_model");
        bool defaultEndpoint = request.BaseUrl is null || request.BaseUrl.AbsoluteUri.TrimEnd('/') == DefaultBaseUri.AbsoluteUri.TrimEnd('/');
        var output = mapped == TuningJobStatus.Succeeded && model is not null
            ? new TuningOutput
            {
                Kind = TuningOutputKind.Hosted,
                Reference = model,
                Provider = defaultEndpoint ? "openai" : "openai-compatible",
                BaseUrl = request.BaseUrl,
                ApiKeyEnv = request.ApiKeyEnv,
            }
            : null;
        var error = job["error"] is JsonObject e2 && JsonFields.Text(e2, "message") is { } message
            ? message + (JsonFields.Text(e2, "code") is { } code ? $" [{code}]" : "") + (JsonFields.Text(e2, "param") is { } param ? $" (param: {param})" : "")
            : mapped == TuningJobStatus.Failed ? "OpenAI reports the job failed" : null;
        int? lastStep = metrics.Count > 0 ? metrics.Max(m => m.Step) : checkpoints.Count > 0 ? checkpoints[^1].Step : null;
        string? newest = newestFirst.Count > 0 ? JsonFields.Text(newestFirst[0], "id") : seenEventId;
        return new TuningSnapshot
        {
            Status = mapped,
            VendorStatus = status,
            ExternalId = JsonFields.Text(job, "id"),
            Step = lastStep,
            TotalSteps = totalSteps,
            TrainedTokens = JsonFields.Integer(job, "trained_tokens"),
            StartedAt = mapped is TuningJobStatus.Running ? events.FirstOrDefault()?.At : null,
            FinishedAt = JsonFields.Seconds(job, "finished_at"),
            Error = error,
            Events = events,
            Metrics = metrics,
            Checkpoints = checkpoints,
            Output = output,
            State = newest is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["last_event_id"] = newest },
        };
    }
}
