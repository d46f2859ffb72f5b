using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tailor.Data;
using Tailor.Data.Tokens;
using Tailor.Local.Gguf;
using Tailor.Local.Training;
using Tailor.Local.Training.Worker;
using Tailor.Tuning;

namespace Tailor.Local.Tuning;

/// <summary>
/// Tuning on this machine with Tailor's own trainer: a job becomes a <see cref="TrainingJob"/> in its work directory and
/// runs in a detached worker process (<see cref="DetachedTrainingHost"/>), so it survives the CLI; its status is read
/// back from the worker's event log and lock by any process. A job whose worker died is <see cref="TuningJobStatus.Interrupted"/>
/// and resumes exactly from its last checkpoint. Produces a GGUF, or a LoRA adapter (or a merged model).
/// </summary>
/// <remarks>Thread-safe; everything about a job lives in its work directory.</remarks>
public sealed class LocalTuningBackend(LocalTuningOptions? options = null) : ITuningBackend
{
    public const string BackendName = "local";

    private static readonly string[] Supported =
        ["steps", "epochs", "lr", "batch", "seq-len", "warmup", "weight-decay", "seed", "lora-rank", "lora-alpha", "merge", "checkpoint-every", "val-split", "threads"];

    private readonly LocalTuningOptions _options = options ?? new LocalTuningOptions();

    public string Name => BackendName;

    /// <summary>Any format: the trainer reads chat and text examples alike.</summary>
    public DatasetFormat? DataFormat => null;

    public IReadOnlyList<string> Validate(TuningRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var h = request.Hyperparameters;
        var problems = h.SetOptionNames().Where(o => !Supported.Contains(o))
            .Select(o => o == "lr-multiplier" ? "--lr-multiplier is OpenAI's; the local trainer takes --lr" : $"--{o} is not a local training setting").ToList();
        if (h.Steps is null && h.Epochs is null)
        {
            problems.Add("say how long to train: --steps or --epochs");
        }

        if ((h.LoraAlpha is not null || h.LoraMerge is not null) && h.LoraRank is null)
        {
            problems.Add("--lora-alpha and --merge need --lora-rank");
        }

        if (h.ValidationFraction is not null && request.ValidationFiles.Count > 0)
        {
            problems.Add("--val-split holds examples out of the training data; with --valid files it is not needed");
        }

        if (request.TrainingFiles.Concat(request.ValidationFiles).Any(f => f.Weight != 1))
        {
            problems.Add("the local trainer takes no per-file weights (file.jsonl:weight); mix the files with 'tailor data mix' instead");
        }

        return problems;
    }

    public string? CheckExample(Conversation conversation) => LocalTrainingData.Problem(conversation);

    public ITuningCostEstimator CreateEstimator(TuningRequest request, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Estimator(request, Path.GetFullPath(Path.Combine(projectDirectory, request.BaseReference)));
    }

    public async Task<TuningDryRun> DryRunAsync(TuningLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var basePath = BasePath(launch);
        var info = ModelInfo.Read(basePath);
        var options = Options(launch.Job.Request, launch.Tokens, info, launch.Job.WorkDirectory, launch.ValidationFiles.Count > 0);
        await Task.CompletedTask;
        long positions = (long)options.Steps * options.BatchSize * options.SequenceLength * options.AccumulationSteps;
        var estimate = new LocalCostEstimator(info.ParameterCount, positions).Estimate(launch.Tokens);
        double epochs = launch.Tokens.TotalTokens > 0 ? Math.Round(positions / (double)launch.Tokens.TotalTokens, 3) : 0;
        return new TuningDryRun(estimate, positions, launch.Tokens.TotalTokens, epochs, options.Steps,
        [
            string.Create(CultureInfo.InvariantCulture, $"{info.ParameterCount:N0} parameters ({(options.Lora is null ? "full fine-tuning" : $"LoRA rank {options.Lora.Rank}")}), {options.Steps} steps of {options.BatchSize} x {options.SequenceLength} tokens"),
            $"checkpoint every {options.CheckpointEvery} steps in {Path.Combine(launch.Job.WorkDirectory, "checkpoints")}",
        ]);
    }

    public async Task<TuningSnapshot> StartAsync(TuningLaunch launch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var files = new LocalJobFiles(launch.Job.WorkDirectory);
        var basePath = BasePath(launch);
        ModelInfo info;
        try
        {
            info = ModelInfo.Read(basePath);
        }
        catch (GgufFormatException e)
        {
            throw new TuningException($"{basePath} is not a model the local trainer can read: {e.Message}", "give --base a llama GGUF (f32, f16 or bf16)", innerException: e);
        }

        var request = launch.Job.Request;
        var options = Options(request, launch.Tokens, info, files.Directory, launch.ValidationFiles.Count > 0);
        var training = new List<TrainingExample>();
        foreach (var file in launch.TrainingFiles)
        {
            training.AddRange(await LocalTrainingData.ReadAsync(file.Path, file.Source.Path, null, cancellationToken));
        }

        List<TrainingExample>? validation = null;
        foreach (var file in launch.ValidationFiles)
        {
            (validation ??= []).AddRange(await LocalTrainingData.ReadAsync(file.Path, file.Source.Path, null, cancellationToken));
        }

        var job = new TrainingJob
        {
            BaseModelPath = basePath,
            OutputPath = files.Output(options.Lora is { Merge: false }),
            Examples = training,
            ValidationExamples = validation,
            Options = options,
            RunRecordPath = files.RunRecord,
            ModelName = request.ModelId,
        };
        try
        {
            options.Validate();
        }
        catch (TrainingException e)
        {
            throw new TuningException(e.Message, "change the option named above");
        }

        await File.WriteAllTextAsync(files.Job, JsonSerializer.Serialize(job, WorkerProtocol.Json), cancellationToken);
        string baseSha256;
        await using (var model = File.OpenRead(basePath))
        {
            baseSha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(model, cancellationToken));
        }

        int pid = WorkerLauncher.Launch(WorkerPath, files, attempt: 1, _options.ReadyTimeout);
        return Snapshot(request, files, launch.ProjectDirectory, 0) with
        {
            ExternalId = launch.Job.Id,
            State = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["worker_pid"] = pid.ToString(CultureInfo.InvariantCulture),
                ["run_record"] = Relative(launch.ProjectDirectory, files.RunRecord),
                ["base_sha256"] = baseSha256,
                ["project_directory"] = launch.ProjectDirectory,
                ["synced_lines"] = "0",
            },
        };
    }

    public Task<TuningSnapshot> GetAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var files = new LocalJobFiles(job.WorkDirectory);
        int synced = int.TryParse(job.State.GetValueOrDefault("synced_lines"), CultureInfo.InvariantCulture, out int n) ? n : 0;
        return Task.FromResult(Snapshot(job.Request, files, job.State.GetValueOrDefault("project_directory") ?? ".", synced));
    }

    public Task<TuningSnapshot> CancelAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var files = new LocalJobFiles(job.WorkDirectory);
        File.WriteAllText(files.CancelRequest, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        var snapshot = Snapshot(job.Request, files, job.State.GetValueOrDefault("project_directory") ?? ".", int.MaxValue);
        return Task.FromResult(snapshot.Status.IsFinal() ? snapshot : snapshot with { Status = TuningJobStatus.Cancelling, Events = [], Metrics = [], Checkpoints = [] });
    }

    public Task<TuningSnapshot> ResumeAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var files = new LocalJobFiles(job.WorkDirectory);
        if (files.IsWorkerAlive())
        {
            throw new TuningException($"job {job.Id}'s worker is still running", "'tailor tune status' shows its progress; cancel it first to restart it");
        }

        var lines = LocalEventLine.ReadAll(files.Events);
        if (lines.LastOrDefault(l => l.Event is TrainingFailed) is { Event: TrainingFailed { IsInputError: true } failed } && Current(lines).Contains(lines.Last(l => l.Event is TrainingFailed)))
        {
            throw new TuningException($"job {job.Id} failed on its input: {failed.Message}", "fix the input and start a new job; resuming would fail the same way");
        }

        TrainingJob trainingJob;
        try
        {
            trainingJob = JsonSerializer.Deserialize<TrainingJob>(File.ReadAllText(files.Job), WorkerProtocol.Json)
                ?? throw new TuningException($"{files.Job} is empty", isInputError: false);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            throw new TuningException($"cannot read {files.Job}: {e.Message}", "the job's work directory was changed or removed; start a new job", isInputError: false, innerException: e);
        }

        // exact resume from the newest checkpoint; none yet means starting over, which gives the same bits
        string? checkpoint = files.LatestCheckpoint();
        File.WriteAllText(files.Job, JsonSerializer.Serialize(trainingJob with { ResumeFrom = checkpoint }, WorkerProtocol.Json));
        File.Delete(files.CancelRequest);
        int attempt = lines.Count(l => l.Attempt is not null) + 1;
        int pid = WorkerLauncher.Launch(WorkerPath, files, attempt, _options.ReadyTimeout);
        var snapshot = Snapshot(job.Request, files, job.State.GetValueOrDefault("project_directory") ?? ".", int.TryParse(job.State.GetValueOrDefault("synced_lines"), CultureInfo.InvariantCulture, out int n) ? n : 0);
        return Task.FromResult(snapshot with
        {
            State = new Dictionary<string, string>(snapshot.State ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["worker_pid"] = pid.ToString(CultureInfo.InvariantCulture),
            },
        });
    }

    private string WorkerPath => _options.WorkerPath ?? new TrainingWorkerClient().WorkerPath;

    private static string BasePath(TuningLaunch launch)
    {
        string path = launch.Resolve(launch.Job.Request.BaseReference);
        return File.Exists(path)
            ? path
            : throw new TuningException($"no base model file at {path}", "give --base a model alias whose provider is local (its path), or a GGUF file; 'tailor model create' makes a tiny one");
    }

    /// <summary>The trainer's options for a request: the user's settings, else defaults sized to the data and the model.</summary>
    internal static TrainingOptions Options(TuningRequest request, TokenReport tokens, ModelInfo model, string workDirectory, bool hasValidationFiles)
    {
        var h = request.Hyperparameters;
        int sequenceLength = h.SequenceLength ?? (int)Math.Min(256, model.ContextLength ?? 256);
        int batch = h.BatchSize ?? 4;
        int steps = h.Steps ?? (int)Math.Max(1, Math.Ceiling((h.Epochs ?? 1) * tokens.TotalTokens / (double)(batch * sequenceLength)));
        bool validates = hasValidationFiles || h.ValidationFraction is > 0;
        return new TrainingOptions
        {
            Steps = steps,
            BatchSize = batch,
            SequenceLength = sequenceLength,
            LearningRate = (float)(h.LearningRate ?? (h.LoraRank is null ? 1e-4 : 1e-3)),
            WarmupSteps = h.WarmupFraction is { } warmup ? (int)Math.Round(warmup * steps) : null,
            WeightDecay = (float)(h.WeightDecay ?? 0.1),
            Seed = h.Seed ?? 1,
            Threads = h.Threads,
            ValidationFraction = h.ValidationFraction ?? 0,
            ValidationEvery = validates ? Math.Max(1, steps / 10) : 0,
            CheckpointEvery = h.CheckpointEvery ?? Math.Max(1, steps / 10),
            CheckpointDirectory = Path.Combine(workDirectory, "checkpoints"),
            KeepCheckpoints = 3,
            Lora = h.LoraRank is { } rank
                ? new LoraOptions { Rank = rank, Alpha = (float)(h.LoraAlpha ?? 2 * rank), Merge = h.LoraMerge ?? false }
                : null,
        };
    }

    /// <summary>The lines of the newest attempt.</summary>
    private static List<LocalEventLine> Current(List<LocalEventLine> lines)
    {
        int start = lines.FindLastIndex(l => l.Attempt is not null);
        return start < 0 ? lines : lines[start..];
    }

    /// <summary>Where the job stands, from its event log and lock; events, metrics and checkpoints from lines after <paramref name="syncedLines"/>.</summary>
    private TuningSnapshot Snapshot(TuningRequest request, LocalJobFiles files, string projectDirectory, int syncedLines)
    {
        // Liveness first: a worker seen gone has written its last line, so the read below sees its ending. The other
        // order reads a log without the final line, then finds the worker just exited, and calls a finished job dead.
        bool alive = files.IsWorkerAlive();
        var lines = LocalEventLine.ReadAll(files.Events);
        var current = Current(lines);
        bool cancelAsked = File.Exists(files.CancelRequest);
        var started = lines.Select(l => l.Event).OfType<TrainingStarted>().LastOrDefault();
        var steps = lines.Where(l => l.Event is TrainingStepCompleted).Select(l => (TrainingStepCompleted)l.Event!).ToList();
        int? step = current.Select(l => l.Event).OfType<TrainingStepCompleted>().LastOrDefault()?.Step
            ?? current.Select(l => l.Event).OfType<TrainingStarted>().LastOrDefault()?.StartStep
            ?? (steps.Count > 0 ? steps[^1].Step : null);
        var terminal = current.LastOrDefault(l => l.Event is TrainingCompleted or TrainingCancelled or TrainingFailed);
        var lastCheckpoint = lines.Select(l => l.Event).OfType<CheckpointSaved>().LastOrDefault();
        TuningJobStatus status;
        string vendor;
        string? error = null;
        TuningOutput? output = null;
        switch (terminal?.Event)
        {
            case TrainingCompleted completed:
                status = TuningJobStatus.Succeeded;
                vendor = "completed";
                output = Output(request, completed.Result, projectDirectory);
                break;
            case TrainingCancelled cancelled when cancelAsked:
                status = TuningJobStatus.Cancelled;
                vendor = "cancelled";
                error = cancelled.CheckpointPath is null ? "cancelled before the first step" : $"cancelled after step {cancelled.Step}; 'tailor tune resume' continues from its checkpoint";
                break;
            case TrainingCancelled cancelled:
                status = TuningJobStatus.Interrupted;
                vendor = "stopped by a signal";
                error = $"the worker was stopped (SIGTERM) after step {cancelled.Step}; 'tailor tune resume' continues from its checkpoint";
                break;
            case TrainingFailed failed:
                status = TuningJobStatus.Failed;
                vendor = failed.NativeAbort ? "native abort" : failed.IsInputError ? "bad input" : "failed";
                error = failed.Message;
                break;
            default:
                if (alive)
                {
                    status = current.Any(l => l.Event is TrainingStarted) ? TuningJobStatus.Running : TuningJobStatus.Queued;
                    vendor = status == TuningJobStatus.Running ? "training" : "loading";
                }
                else
                {
                    status = TuningJobStatus.Interrupted;
                    vendor = "worker died";
                    int? pid = current.FirstOrDefault(l => l.Attempt is not null)?.ProcessId;
                    error = $"the worker{(pid is null ? "" : $" (process {pid})")} stopped without a word after step {step ?? 0} (killed, out of memory, or the machine restarted); " +
                        (lastCheckpoint is null ? "no checkpoint was written yet: 'tailor tune resume' starts it over" : $"'tailor tune resume' continues from the checkpoint of step {lastCheckpoint.Step}");
                }

                break;
        }

        var fresh = lines.Skip(Math.Min(syncedLines, lines.Count)).ToList();
        var lossAt = steps.GroupBy(s => s.Step).ToDictionary(g => g.Key, g => g.Last().Loss);
        var events = new List<TuningEvent>();
        var metrics = new List<TuningMetric>();
        var checkpoints = new List<TuningCheckpoint>();
        int attempt = lines.Take(Math.Min(syncedLines, lines.Count)).Count(l => l.Attempt is not null);
        foreach (var line in fresh)
        {
            if (line.Attempt is { } number)
            {
                attempt = number;
                if (number > 1)
                {
                    events.Add(new TuningEvent($"a{number}", line.At, TuningEventLevel.Info, "status",
                        line.ResumedFrom is null ? $"worker restarted (attempt {number}, process {line.ProcessId}), from the start" : $"worker resumed (attempt {number}, process {line.ProcessId}) from {Path.GetFileName(line.ResumedFrom)}"));
                }

                continue;
            }

            string key = $"a{attempt}:";
            switch (line.Event)
            {
                case TrainingStarted s:
                    events.Add(new TuningEvent(key + "started", line.At, TuningEventLevel.Info, "status", string.Create(CultureInfo.InvariantCulture,
                        $"training {s.Mode}: {s.TrainableParameters:N0} of {s.Parameters:N0} parameters, {s.TrainingExamples} examples, {s.ValidationExamples} for validation, steps {s.StartStep + 1}-{s.TotalSteps}, {s.Threads} threads")));
                    break;
                case TrainingStepCompleted s:
                    metrics.Add(new TuningMetric(s.Step, s.Loss, LearningRate: s.LearningRate) { At = line.At });
                    if (s.Skipped)
                    {
                        events.Add(new TuningEvent(key + $"skipped:{s.Step}", line.At, TuningEventLevel.Warning, "message", $"step {s.Step} skipped (no trained token or a non-finite gradient)"));
                    }

                    break;
                case ValidationCompleted v:
                    metrics.Add(new TuningMetric(v.Step, null, ValidLoss: v.Loss) { At = line.At });
                    events.Add(new TuningEvent(key + $"validation:{v.Step}", line.At, TuningEventLevel.Info, "validation", string.Create(CultureInfo.InvariantCulture,
                        $"validation at step {v.Step}: loss {v.Loss:F4}, perplexity {v.Perplexity:F2}")));
                    break;
                case CheckpointSaved c:
                    checkpoints.Add(new TuningCheckpoint(c.Step, line.At, Relative(projectDirectory, c.Path), lossAt.TryGetValue(c.Step, out double loss) ? loss : null));
                    events.Add(new TuningEvent(key + $"checkpoint:{c.Step}", line.At, TuningEventLevel.Info, "checkpoint", $"checkpoint of step {c.Step}: {Relative(projectDirectory, c.Path)}"));
                    break;
                case ExportVerified v:
                    events.Add(new TuningEvent(key + "verified", line.At, TuningEventLevel.Info, "message", string.Create(CultureInfo.InvariantCulture,
                        $"llama.cpp loads the output and agrees with the trained graph: max relative logit difference {v.MaxRelativeDifference:E1} over {v.Positions} positions")));
                    break;
                case TrainingCompleted done:
                    events.Add(new TuningEvent(key + "completed", line.At, TuningEventLevel.Info, "status", string.Create(CultureInfo.InvariantCulture,
                        $"training completed: {done.Result.Steps} steps, final loss {done.Result.FinalLoss:F4}{(done.Result.ValidationLoss is { } vl ? $", validation loss {vl:F4}" : "")}")));
                    break;
                case TrainingCancelled c:
                    events.Add(new TuningEvent(key + "cancelled", line.At, TuningEventLevel.Warning, "status", $"stopped after step {c.Step}" + (c.CheckpointPath is null ? "" : $", checkpoint {Relative(projectDirectory, c.CheckpointPath)}")));
                    break;
                case TrainingFailed f:
                    events.Add(new TuningEvent(key + "failed", line.At, TuningEventLevel.Error, "status", f.Message));
                    break;
            }
        }

        if (status == TuningJobStatus.Interrupted && terminal is null)
        {
            events.Add(new TuningEvent($"a{current.FirstOrDefault(l => l.Attempt is not null)?.Attempt ?? 1}:died", DateTimeOffset.UtcNow, TuningEventLevel.Error, "status", error!));
        }

        long trained = steps.GroupBy(s => s.Step).Sum(g => (long)g.Last().TrainedTokens);
        return new TuningSnapshot
        {
            Status = status,
            VendorStatus = vendor,
            Step = step,
            TotalSteps = started?.TotalSteps,
            TrainedTokens = trained > 0 ? trained : null,
            StartedAt = lines.FirstOrDefault(l => l.Event is TrainingStarted)?.At,
            FinishedAt = terminal?.At,
            Error = error,
            Events = events,
            Metrics = metrics,
            Checkpoints = checkpoints,
            Output = output,
            State = new Dictionary<string, string>(StringComparer.Ordinal) { ["synced_lines"] = lines.Count.ToString(CultureInfo.InvariantCulture) },
        };
    }

    private static TuningOutput Output(TuningRequest request, TrainingResult result, string projectDirectory)
    {
        string hash;
        long bytes;
        using (var stream = File.OpenRead(result.OutputPath))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            bytes = stream.Length;
        }

        return new TuningOutput
        {
            Kind = result.IsAdapter ? TuningOutputKind.LoraAdapter : TuningOutputKind.Gguf,
            Reference = Relative(projectDirectory, result.OutputPath),
            BaseReference = result.IsAdapter ? request.BaseReference : null,
            Provider = "local",
            Sha256 = hash,
            Bytes = bytes,
        };
    }

    /// <summary>A path relative to the project when it lies inside it (what tailor.yaml holds), else absolute.</summary>
    internal static string Relative(string projectDirectory, string path)
    {
        string relative = Path.GetRelativePath(projectDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }

    /// <summary>The estimate from the base model's size and the planned steps.</summary>
    private sealed class Estimator(TuningRequest request, string path) : ITuningCostEstimator
    {
        public string Backend => BackendName;

        public CostEstimate Estimate(TokenReport report)
        {
            if (!File.Exists(path))
            {
                return new CostEstimate(Backend, null, null, null, "runs on this machine at no charge; the time depends on the base model, which was not found");
            }

            var info = ModelInfo.Read(path);
            var options = Options(request, report, info, ".", request.ValidationFiles.Count > 0);
            return new LocalCostEstimator(info.ParameterCount, (long)options.Steps * options.BatchSize * options.SequenceLength).Estimate(report);
        }
    }
}
