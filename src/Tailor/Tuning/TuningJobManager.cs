using Tailor.Data.Tokens;
using Tailor.Store;
using Tailor.Tuning.Preflight;
using Tailor.Tuning.Registry;

namespace Tailor.Tuning;

/// <summary>
/// The job lifecycle over any backend: pre-flight and preparation, start, refresh (the backend's truth copied to the
/// store, the produced model registered with its lineage), watch, cancel and resume. The CLI is a thin shell around it.
/// </summary>
/// <remarks>
/// Thread-safe for different jobs. Every method reads the job from the store and writes it back, so a job started by
/// one process can be refreshed, cancelled or resumed by another. Polling waits on the injected <see cref="TimeProvider"/>.
/// </remarks>
public sealed class TuningJobManager
{
    private readonly ITuningStore _store;
    private readonly Dictionary<string, ITuningBackend> _backends;
    private readonly TuningManagerOptions _options;
    private readonly TuningIds _ids;

    public TuningJobManager(ITuningStore store, IEnumerable<ITuningBackend> backends, TuningManagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _backends = backends.ToDictionary(b => b.Name, StringComparer.Ordinal);
        _options = options;
        _ids = new TuningIds(options.Ulids ?? new UlidGenerator(options.TimeProvider));
        Registry = new ModelRegistry(store, _ids, options.TimeProvider);
    }

    public ModelRegistry Registry { get; }

    public ITuningStore Store => _store;

    /// <summary>The backend called <paramref name="name"/>.</summary>
    /// <exception cref="TuningException">No such backend.</exception>
    public ITuningBackend Backend(string name) =>
        _backends.TryGetValue(name, out var backend)
            ? backend
            : throw new TuningException($"unknown tuning backend '{name}'", $"the backends are: {string.Join(", ", _backends.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>
    /// Pre-flight: checks the draft against its backend, validates and prepares every data file in a new work directory,
    /// counts tokens and estimates cost. Nothing is stored; discard a preparation with <see cref="Discard"/>.
    /// </summary>
    /// <exception cref="TuningException">The backend refuses an option, or a file is missing.</exception>
    public async Task<TuningPreparation> PrepareAsync(TuningJobDraft draft, ITokenCounter counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(counter);
        var backend = Backend(draft.Backend);
        string id = _ids.NewJobId();
        string modelId = _ids.NewModelId(draft.Suffix ?? draft.BaseModel);
        // the files as named, before pre-flight has read them: enough for the backend to judge weights and roles
        var draftRequest = Request(draft, modelId,
            [.. draft.TrainingFiles.Select(f => new TuningDataFile(f.Path, TuningDataRole.Training, f.Weight, "", 0, 0, 0, 0))],
            [.. draft.ValidationFiles.Select(f => new TuningDataFile(f.Path, TuningDataRole.Validation, f.Weight, "", 0, 0, 0, 0))]);
        // The options the user typed are judged first: with no data as well, fixing the data alone would not be enough.
        if (backend.Validate(draftRequest) is { Count: > 0 } problems)
        {
            throw new TuningException($"the {backend.Name} backend cannot run this job: {string.Join("; ", problems)}", "change the options named above");
        }

        if (draft.TrainingFiles.Count == 0)
        {
            throw new TuningException("no training data", "pass --train <file.jsonl>, or list the files under 'datasets:' in tailor.yaml");
        }

        string workDirectory = Path.Combine(_options.ResolvedJobsDirectory, id);
        var hyper = draft.Hyperparameters;
        var plan = new TrainingPlan(hyper.SequenceLength ?? 2048, hyper.Steps, hyper.BatchSize ?? 1);
        var files = draft.TrainingFiles.Select(f => (f, TuningDataRole.Training)).Concat(draft.ValidationFiles.Select(f => (f, TuningDataRole.Validation))).ToList();
        PreflightReport preflight;
        try
        {
            preflight = await TuningPreflight.RunAsync(files, backend.DataFormat, backend.CheckExample, counter, plan, _options.ProjectDirectory, workDirectory, _options.DisplayPath, cancellationToken);
        }
        catch
        {
            DeleteDirectory(workDirectory);
            throw;
        }

        var request = Request(draft, modelId,
            [.. preflight.Files.Where(f => f.File.Role == TuningDataRole.Training).Select(f => f.File)],
            [.. preflight.Files.Where(f => f.File.Role == TuningDataRole.Validation).Select(f => f.File)]);
        CostEstimate? estimate;
        try
        {
            estimate = backend.CreateEstimator(request, _options.ProjectDirectory).Estimate(preflight.Tokens);
        }
        catch
        {
            DeleteDirectory(workDirectory); // pre-flight wrote the prepared data there; no job will own it
            throw;
        }

        var now = _options.TimeProvider.GetUtcNow();
        var job = new TuningJob
        {
            Id = id,
            Request = request,
            WorkDirectory = workDirectory,
            CreatedAt = now,
            UpdatedAt = now,
            Estimate = estimate,
        };
        var launch = new TuningLaunch(
            job,
            [.. preflight.Files.Where(f => f.File.Role == TuningDataRole.Training).Select(f => new PreparedFile(f.PreparedPath, f.File))],
            [.. preflight.Files.Where(f => f.File.Role == TuningDataRole.Validation).Select(f => new PreparedFile(f.PreparedPath, f.File))],
            preflight.Tokens, _options.ProjectDirectory);
        return new TuningPreparation(job, launch, preflight);
    }

    /// <summary>Removes a preparation's work directory (after a dry run, or when pre-flight blocked it).</summary>
    public static void Discard(TuningPreparation preparation)
    {
        ArgumentNullException.ThrowIfNull(preparation);
        DeleteDirectory(preparation.Job.WorkDirectory);
    }

    /// <summary>Asks the backend what the job would take, without starting it.</summary>
    public Task<TuningDryRun> DryRunAsync(TuningPreparation preparation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preparation);
        return Backend(preparation.Job.Backend).DryRunAsync(preparation.Launch, cancellationToken);
    }

    /// <summary>Records the job and starts it on its backend; a start that fails leaves the job recorded as failed.</summary>
    /// <exception cref="InvalidOperationException">Pre-flight blocked it (<see cref="TuningPreparation.IsBlocked"/>).</exception>
    public async Task<TuningJob> StartAsync(TuningPreparation preparation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preparation);
        if (preparation.IsBlocked)
        {
            throw new InvalidOperationException("pre-flight found errors; start with --force to leave the rejected lines out");
        }

        var job = preparation.Job;
        await _store.CreateJobAsync(job, cancellationToken);
        await SaveAsync(job, [Event("created", TuningEventLevel.Info, "status", $"job created on {job.Backend}: {job.Request.TrainingFiles.Sum(f => f.Examples)} training examples")], [], [], cancellationToken);
        TuningSnapshot snapshot;
        try
        {
            snapshot = await Backend(job.Backend).StartAsync(preparation.Launch, cancellationToken);
        }
        catch (Exception e) when (e is TuningException or IOException or OperationCanceledException)
        {
            var failed = job with { Status = TuningJobStatus.Failed, Error = e.Message, UpdatedAt = Now, FinishedAt = Now };
            await SaveAsync(failed, [Event("start-failed", TuningEventLevel.Error, "status", "the job could not start: " + e.Message)], [], [], CancellationToken.None);
            throw;
        }

        return (await ApplyAsync(job, snapshot, cancellationToken)).Job;
    }

    /// <summary>The job with this id, or the only one whose id starts with it; <c>latest</c> (or null) is the newest job.</summary>
    /// <exception cref="TuningException">None or several match.</exception>
    public async Task<TuningJob> ResolveAsync(string? idOrPrefix, CancellationToken cancellationToken = default)
    {
        if (idOrPrefix is null or "latest")
        {
            await foreach (var newest in _store.ListJobsAsync(new TuningJobQuery { Limit = 1 }, cancellationToken))
            {
                return newest;
            }

            throw new TuningException("no tuning jobs yet", "start one with 'tailor tune start'");
        }

        if (await _store.GetJobAsync(idOrPrefix, cancellationToken) is { } exact)
        {
            return exact;
        }

        var matches = new List<TuningJob>();
        foreach (string prefix in idOrPrefix.StartsWith("ft-", StringComparison.Ordinal) ? [idOrPrefix] : new[] { idOrPrefix, "ft-" + idOrPrefix })
        {
            await foreach (var job in _store.ListJobsAsync(new TuningJobQuery { IdPrefix = prefix.ToUpperInvariant().Replace("FT-", "ft-", StringComparison.Ordinal), Limit = 6 }, cancellationToken))
            {
                matches.Add(job);
            }
        }

        return matches.DistinctBy(j => j.Id).ToList() switch
        {
            [var only] => only,
            [] => throw new TuningException($"no tuning job '{idOrPrefix}'", "'tailor tune list' shows the jobs"),
            var several => throw new TuningException($"'{idOrPrefix}' matches several jobs: {string.Join(", ", several.Take(5).Select(j => j.Id))}", "give more of the id"),
        };
    }

    /// <summary>
    /// Asks the backend where the job stands, stores what it says (new events, metrics, checkpoints) and registers the
    /// produced model once the job succeeded. A job that failed, was cancelled, or succeeded and is registered is returned
    /// as stored; an interrupted one is asked again (its backend may know better now).
    /// </summary>
    public async Task<TuningRefresh> RefreshAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await _store.GetJobAsync(jobId, cancellationToken) ?? throw new TuningException($"no tuning job '{jobId}'", "'tailor tune list' shows the jobs");
        if (job.Status is TuningJobStatus.Failed or TuningJobStatus.Cancelled || (job.Status == TuningJobStatus.Succeeded && job.RegisteredModelId is not null))
        {
            return new TuningRefresh(job, []);
        }

        var snapshot = await Backend(job.Backend).GetAsync(job, cancellationToken);
        return await ApplyAsync(job, snapshot, cancellationToken);
    }

    /// <summary>
    /// Refreshes the job every <paramref name="interval"/> until it is final (or, when <paramref name="untilSettled"/>,
    /// until it waits for someone: paused, or validated without auto start), calling <paramref name="onUpdate"/> after each refresh.
    /// </summary>
    public async Task<TuningJob> WatchAsync(
        string jobId, TimeSpan interval, Func<TuningRefresh, CancellationToken, Task> onUpdate, bool untilSettled = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onUpdate);
        while (true)
        {
            var refresh = await RefreshAsync(jobId, cancellationToken);
            await onUpdate(refresh, cancellationToken);
            var status = refresh.Job.Status;
            bool waiting = status is TuningJobStatus.Paused || (status is TuningJobStatus.Validated && !refresh.Job.Request.AutoStart);
            if (status.IsFinal() || (untilSettled && waiting))
            {
                return refresh.Job;
            }

            await Task.Delay(interval, _options.TimeProvider, cancellationToken);
        }
    }

    /// <summary>Asks the backend to stop the job.</summary>
    /// <exception cref="TuningException">The job is already final.</exception>
    public async Task<TuningRefresh> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await _store.GetJobAsync(jobId, cancellationToken) ?? throw new TuningException($"no tuning job '{jobId}'");
        if (job.Status.IsFinal())
        {
            throw new TuningException($"job {job.Id} is already {job.Status.ToName()}", job.Status == TuningJobStatus.Interrupted ? "an interrupted job is not running; there is nothing to cancel" : null);
        }

        var snapshot = await Backend(job.Backend).CancelAsync(job, cancellationToken);
        var refresh = await ApplyAsync(job, snapshot, cancellationToken);
        await SaveAsync(refresh.Job, [Event($"cancel-{Now.ToUnixTimeMilliseconds()}", TuningEventLevel.Info, "status", "cancellation requested")], [], [], cancellationToken);
        return refresh;
    }

    /// <summary>Continues an interrupted, paused, validated (or cancelled local) job on its backend.</summary>
    public async Task<TuningRefresh> ResumeAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await _store.GetJobAsync(jobId, cancellationToken) ?? throw new TuningException($"no tuning job '{jobId}'");
        if (job.Status is TuningJobStatus.Succeeded)
        {
            throw new TuningException($"job {job.Id} already succeeded", job.RegisteredModelId is { } model ? $"its model is {model}" : null);
        }

        if (job.Status is TuningJobStatus.Running or TuningJobStatus.Queued or TuningJobStatus.Validating or TuningJobStatus.Created)
        {
            throw new TuningException($"job {job.Id} is {job.Status.ToName()}, not stopped", "'tailor tune status' shows where it stands");
        }

        var snapshot = await Backend(job.Backend).ResumeAsync(job, cancellationToken);
        var resumed = job with { Error = null, FinishedAt = null };
        return await ApplyAsync(resumed, snapshot, cancellationToken);
    }

    private async Task<TuningRefresh> ApplyAsync(TuningJob job, TuningSnapshot snapshot, CancellationToken cancellationToken)
    {
        var now = Now;
        var state = new Dictionary<string, string>(job.State, StringComparer.Ordinal);
        foreach (var (key, value) in snapshot.State ?? new Dictionary<string, string>())
        {
            state[key] = value;
        }

        var updated = job with
        {
            Status = snapshot.Status,
            VendorStatus = snapshot.VendorStatus ?? job.VendorStatus,
            ExternalId = snapshot.ExternalId ?? job.ExternalId,
            Step = snapshot.Step ?? job.Step,
            TotalSteps = snapshot.TotalSteps ?? job.TotalSteps,
            TrainedTokens = snapshot.TrainedTokens ?? job.TrainedTokens,
            StartedAt = job.StartedAt ?? snapshot.StartedAt,
            FinishedAt = snapshot.Status.IsFinal() ? job.FinishedAt ?? snapshot.FinishedAt ?? now : null,
            Error = snapshot.Error,
            Output = snapshot.Output ?? job.Output,
            State = state,
            UpdatedAt = now,
        };
        var added = new List<TuningEvent>(await _store.SaveProgressAsync(updated, snapshot.Events, snapshot.Metrics, snapshot.Checkpoints, cancellationToken));
        if (updated is { Status: TuningJobStatus.Succeeded, Output: not null, RegisteredModelId: null })
        {
            var metrics = await _store.ReadMetricsAsync(updated.Id, cancellationToken);
            var model = await Registry.RegisterJobOutputAsync(updated, metrics, cancellationToken);
            updated = updated with { RegisteredModelId = model.Id };
            added.AddRange(await _store.SaveProgressAsync(updated,
                [Event("registered", TuningEventLevel.Info, "result", $"registered model {model.Id} ({model.Reference})")], [], [], cancellationToken));
        }

        return new TuningRefresh(updated, added);
    }

    private Task SaveAsync(TuningJob job, IReadOnlyList<TuningEvent> events, IReadOnlyList<TuningMetric> metrics, IReadOnlyList<TuningCheckpoint> checkpoints, CancellationToken cancellationToken) =>
        _store.SaveProgressAsync(job, events, metrics, checkpoints, cancellationToken);

    private TuningEvent Event(string key, TuningEventLevel level, string kind, string message) => new("tailor:" + key, Now, level, kind, message);

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private static TuningRequest Request(TuningJobDraft draft, string modelId, IReadOnlyList<TuningDataFile> training, IReadOnlyList<TuningDataFile> validation) => new()
    {
        Backend = draft.Backend,
        BaseModel = draft.BaseModel,
        BaseReference = draft.BaseReference,
        TrainingFiles = training,
        ValidationFiles = validation,
        Hyperparameters = draft.Hyperparameters,
        Suffix = draft.Suffix,
        AutoStart = draft.AutoStart,
        BaseUrl = draft.BaseUrl,
        ApiKeyEnv = draft.ApiKeyEnv,
        Forced = draft.Force,
        ModelId = modelId,
    };

    private static void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // a leftover work directory is harmless; the job was never recorded
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
