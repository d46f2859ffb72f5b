using System.Globalization;
using System.Text.Json.Nodes;
using Tailor.Data;
using Tailor.Data.Tokens;

namespace Tailor.Tuning.Backends.Mistral;

/// <summary>
/// Mistral's fine-tuning API (La Plateforme; marked deprecated by Mistral, still in its guide): uploads the prepared
/// files with <c>purpose: fine-tune</c>, creates the job (<c>training_files</c> with weights, <c>validation_files</c>,
/// <c>hyperparameters</c>, <c>suffix</c>, <c>auto_start</c>), dry-runs it (<c>?dry_run=true</c>), reads its status,
/// events and checkpoints, cancels it, and starts a validated job. The produced <c>fine_tuned_model</c> is served by the
/// <c>mistral</c> provider.
/// </summary>
/// <remarks>Thread-safe; keeps nothing per job in memory.</remarks>
public sealed class MistralTuningBackend(HostedTuningOptions options) : ITuningBackend
{
    public const string BackendName = "mistral";

    public static Uri DefaultBaseUri { get; } = new("https://api.mistral.ai/v1/");

    private static readonly string[] Supported = ["steps", "epochs", "lr", "seq-len", "warmup", "weight-decay"];

    public string Name => BackendName;

    public DatasetFormat? DataFormat => DatasetFormat.Mistral;

    /// <summary>Options for api.mistral.ai and <c>MISTRAL_API_KEY</c>.</summary>
    public static HostedTuningOptions Defaults(Func<string, string?> getEnvironmentVariable) => new()
    {
        DefaultBaseUri = DefaultBaseUri,
        DefaultKeyVariable = "MISTRAL_API_KEY",
        GetEnvironmentVariable = getEnvironmentVariable,
    };

    public IReadOnlyList<string> Validate(TuningRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = request.Hyperparameters.SetOptionNames().Where(o => !Supported.Contains(o))
            .Select(o => $"--{o} is not a Mistral fine-tuning setting (Mistral takes {string.Join(", ", Supported.Select(s => "--" + s))})").ToList();
        var h = request.Hyperparameters;
        if (h.Steps is < 1)
        {
            problems.Add("--steps must be at least 1");
        }

        if (h.Epochs is <= 0)
        {
            problems.Add("--epochs must be positive");
        }

        if (h.LearningRate is <= 0 or >= 1)
        {
            problems.Add("--lr must lie between 0 and 1 (Mistral's default is 1e-4)");
        }

        if (h.WarmupFraction is < 0 or > 1)
        {
            problems.Add("--warmup is a fraction of the steps, between 0 and 1");
        }

        if (request.Suffix is { Length: > 18 })
        {
            problems.Add($"--suffix '{request.Suffix}' is longer than Mistral's 18 characters");
        }

        return problems;
    }

    public string? CheckExample(Conversation conversation) => null;

    public ITuningCostEstimator CreateEstimator(TuningRequest request, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new MistralCostEstimator(request.BaseReference, request.Hyperparameters.Epochs,
            HostedPrices.Find(options.PricePerMillionTokens, null, request.BaseReference));
    }

    public async Task<TuningDryRun> DryRunAsync(TuningLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var api = Api(launch.Job.Request);
        var uploaded = await UploadAsync(api, launch, cancellationToken);
        try
        {
            var metadata = await api.PostAsync("fine_tuning/jobs?dry_run=true", JobBody(launch.Job.Request, uploaded, autoStart: false), "the dry run", cancellationToken);
            double? cost = JsonFields.Number(metadata, "cost");
            long? seconds = JsonFields.Integer(metadata, "expected_duration_seconds");
            var details = new List<string>();
            if (JsonFields.Integer(metadata, "train_tokens_per_step") is { } perStep)
            {
                details.Add($"{perStep:N0} tokens per step");
            }

            if (JsonFields.Seconds(metadata, "estimated_start_time") is { } start)
            {
                details.Add($"estimated start {start:u}");
            }

            if (JsonFields.Text(metadata, "details") is { Length: > 0 } text)
            {
                details.Add(text);
            }

            if (JsonFields.Flag(metadata, "deprecated") == true)
            {
                details.Add("Mistral marks this fine-tuning API as deprecated");
            }

            var estimate = new CostEstimate(Name, seconds is { } s ? TimeSpan.FromSeconds(s) : null, cost is { } c ? (decimal)c : null,
                JsonFields.Text(metadata, "cost_currency"), "Mistral's own dry run of this job");
            return new TuningDryRun(estimate, JsonFields.Integer(metadata, "train_tokens"), JsonFields.Integer(metadata, "data_tokens"),
                JsonFields.Number(metadata, "epochs"), (int?)JsonFields.Integer(metadata, "training_steps"), details);
        }
        finally
        {
            // the dry run leaves nothing behind at Mistral
            foreach (var (id, _) in uploaded.Training.Concat(uploaded.Validation.Select(v => (v, 1.0))))
            {
                try
                {
                    await api.DeleteAsync($"files/{Uri.EscapeDataString(id)}", $"the deletion of file {id}", CancellationToken.None);
                }
                catch (TuningException)
                {
                    // an uploaded file left behind costs nothing; the estimate matters more
                }
            }
        }
    }

    public async Task<TuningSnapshot> StartAsync(TuningLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var api = Api(launch.Job.Request);
        var uploaded = await UploadAsync(api, launch, cancellationToken);
        var job = await api.PostAsync("fine_tuning/jobs", JobBody(launch.Job.Request, uploaded, launch.Job.Request.AutoStart), "the job creation", cancellationToken);
        var state = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["training_file_ids"] = string.Join(",", uploaded.Training.Select(t => t.Id)),
        };
        if (uploaded.Validation.Count > 0)
        {
            state["validation_file_ids"] = string.Join(",", uploaded.Validation);
        }

        return Snapshot(job, launch.Job.Request) with { State = state };
    }

    public async Task<TuningSnapshot> GetAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        var id = ExternalId(job);
        return Snapshot(await Api(job.Request).GetAsync($"fine_tuning/jobs/{Uri.EscapeDataString(id)}", $"job {id}", cancellationToken), job.Request);
    }

    public async Task<TuningSnapshot> CancelAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        var id = ExternalId(job);
        return Snapshot(await Api(job.Request).PostAsync($"fine_tuning/jobs/{Uri.EscapeDataString(id)}/cancel", null, $"the cancellation of job {id}", cancellationToken), job.Request);
    }

    public async Task<TuningSnapshot> ResumeAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status != TuningJobStatus.Validated)
        {
            throw new TuningException($"Mistral cannot resume a job that is {job.Status.ToName()}: only a validated job waiting to start (auto_start off) can be started",
                "start a new job; 'tailor tune start --from " + job.Id + "' repeats this one's recipe");
        }

        var id = ExternalId(job);
        return Snapshot(await Api(job.Request).PostAsync($"fine_tuning/jobs/{Uri.EscapeDataString(id)}/start", null, $"the start of job {id}", cancellationToken), job.Request);
    }

    private FineTuningApi Api(TuningRequest request) => new("Mistral", request.BaseUrl, request.ApiKeyEnv, options);

    private static string ExternalId(TuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.ExternalId ?? throw new TuningException($"job {job.Id} never reached Mistral (it has no Mistral job id)", "start it again");
    }

    private sealed record Uploaded(IReadOnlyList<(string Id, double Weight)> Training, IReadOnlyList<string> Validation);

    private static async Task<Uploaded> UploadAsync(FineTuningApi api, TuningLaunch launch, CancellationToken cancellationToken)
    {
        var training = new List<(string, double)>();
        foreach (var file in launch.TrainingFiles)
        {
            training.Add((await UploadOneAsync(api, file, cancellationToken), file.Source.Weight));
        }

        var validation = new List<string>();
        foreach (var file in launch.ValidationFiles)
        {
            validation.Add(await UploadOneAsync(api, file, cancellationToken));
        }

        return new Uploaded(training, validation);
    }

    private static async Task<string> UploadOneAsync(FineTuningApi api, PreparedFile file, CancellationToken cancellationToken)
    {
        var uploaded = await api.UploadAsync(file.Path, Path.GetFileName(file.Source.Path), cancellationToken);
        return JsonFields.Text(uploaded, "id") ?? throw new TuningException($"Mistral accepted {file.Source.Path} but returned no file id", isInputError: false);
    }

    private static JsonObject JobBody(TuningRequest request, Uploaded uploaded, bool autoStart)
    {
        var h = request.Hyperparameters;
        var hyper = new JsonObject();
        Set(hyper, "training_steps", h.Steps);
        Set(hyper, "epochs", h.Epochs);
        Set(hyper, "learning_rate", h.LearningRate);
        Set(hyper, "weight_decay", h.WeightDecay);
        Set(hyper, "warmup_fraction", h.WarmupFraction);
        Set(hyper, "seq_len", h.SequenceLength);
        var body = new JsonObject
        {
            ["model"] = request.BaseReference,
            ["training_files"] = new JsonArray([.. uploaded.Training.Select(t => (JsonNode)new JsonObject { ["file_id"] = t.Id, ["weight"] = t.Weight })]),
            ["hyperparameters"] = hyper,
            ["auto_start"] = autoStart,
        };
        if (uploaded.Validation.Count > 0)
        {
            body["validation_files"] = new JsonArray([.. uploaded.Validation.Select(v => (JsonNode)JsonValue.Create(v))]);
        }

        if (request.Suffix is { } suffix)
        {
            body["suffix"] = suffix;
        }

        return body;
    }

    private static void Set<T>(JsonObject target, string name, T? value) where T : struct
    {
        if (value is { } v)
        {
            target[name] = JsonValue.Create(v);
        }
    }

    private TuningSnapshot Snapshot(JsonNode job, TuningRequest request)
    {
        string? status = JsonFields.Text(job, "status");
        var mapped = MistralStatuses.Map(status);
        var events = new List<TuningEvent>();
        foreach (var e in JsonFields.Items(job, "events"))
        {
            string name = JsonFields.Text(e, "name") ?? "event";
            var at = JsonFields.Seconds(e, "created_at") ?? DateTimeOffset.UnixEpoch;
            var data = e["data"];
            string? eventStatus = JsonFields.Text(data, "status");
            string? error = JsonFields.Text(data, "error") ?? JsonFields.Text(data, "message");
            string message = name + (eventStatus is null ? "" : ": " + eventStatus) + (error is null ? "" : " - " + error);
            var level = eventStatus is "FAILED" or "FAILED_VALIDATION" || error is not null ? TuningEventLevel.Error : TuningEventLevel.Info;
            events.Add(new TuningEvent($"{name}@{at.ToUnixTimeSeconds()}:{eventStatus}", at, level, eventStatus is null ? "message" : "status", message,
                JsonFields.Raw(e, "data")));
        }

        var checkpoints = new List<TuningCheckpoint>();
        var metrics = new List<TuningMetric>();
        foreach (var c in JsonFields.Items(job, "checkpoints"))
        {
            if (JsonFields.Integer(c, "step_number") is not { } step)
            {
                continue;
            }

            var m = c["metrics"];
            var at = JsonFields.Seconds(c, "created_at") ?? DateTimeOffset.UnixEpoch;
            double? train = JsonFields.Number(m, "train_loss"), valid = JsonFields.Number(m, "valid_loss"), accuracy = JsonFields.Number(m, "valid_mean_token_accuracy");
            checkpoints.Add(new TuningCheckpoint((int)step, at, null, train, valid, accuracy));
            metrics.Add(new TuningMetric((int)step, train, valid, accuracy) { At = at });
        }

        string? model = JsonFields.Text(job, "fine_tuned_model");
        var output = mapped == TuningJobStatus.Succeeded && model is not null
            ? new TuningOutput
            {
                Kind = TuningOutputKind.Hosted,
                Reference = model,
                Provider = "mistral",
                BaseUrl = request.BaseUrl,
                ApiKeyEnv = request.ApiKeyEnv,
            }
            : null;
        string? failure = mapped == TuningJobStatus.Failed
            ? (events.LastOrDefault(e => e.Level == TuningEventLevel.Error)?.Message ?? $"Mistral reports the job {status}") +
              (status == "FAILED_VALIDATION" ? " (Mistral's validation rejected the data)" : "")
            : null;
        var lastStep = checkpoints.Count > 0 ? checkpoints.Max(c => c.Step) : (int?)null;
        var total = JsonFields.Integer(job["hyperparameters"], "training_steps") is { } steps ? (int)steps : (int?)null;
        return new TuningSnapshot
        {
            Status = mapped,
            VendorStatus = status,
            ExternalId = JsonFields.Text(job, "id"),
            Step = mapped == TuningJobStatus.Succeeded ? total ?? lastStep : lastStep,
            TotalSteps = total,
            TrainedTokens = JsonFields.Integer(job, "trained_tokens"),
            StartedAt = events.FirstOrDefault(e => e.Message.EndsWith(": RUNNING", StringComparison.Ordinal))?.At,
            FinishedAt = mapped.IsFinal() ? JsonFields.Seconds(job, "modified_at") : null,
            Error = failure,
            Events = events.OrderBy(e => e.At).ToList(),
            Metrics = metrics,
            Checkpoints = checkpoints,
            Output = output,
            State = JsonFields.Integer(job["metadata"], "expected_duration_seconds") is { } expected
                ? new Dictionary<string, string>(StringComparer.Ordinal) { ["expected_duration_seconds"] = expected.ToString(CultureInfo.InvariantCulture) }
                : null,
        };
    }
}
