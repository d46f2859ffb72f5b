using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tailor.Testing;
using Tailor.Tuning;
using Tailor.Tuning.Backends.Mistral;
using Tailor.Tuning.Registry;

namespace Tailor.Tests.Tuning;

/// <summary>The Mistral backend against a fake that follows Mistral's files and fine-tuning contract, over real HTTP.</summary>
public sealed class MistralBackendTests : IAsyncLifetime
{
    private FakeMistralFineTuningServer _server = null!;
    private TuningSandbox _sandbox = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeMistralFineTuningServer.StartAsync(TestContext.Current.CancellationToken);
        _server.RequiredApiKey = TuningSandbox.Key;
        _sandbox = new TuningSandbox();
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        await _server.DisposeAsync();
    }

    private MistralTuningBackend Backend(TimeProvider? time = null) => new(TuningSandbox.Hosted(_server, "MISTRAL_API_KEY", time));

    private TuningJobDraft Draft(TuningHyperparameters? hyper = null, bool autoStart = true) => new()
    {
        Backend = "mistral",
        BaseModel = "open-mistral-7b",
        BaseReference = "open-mistral-7b",
        TrainingFiles = [new TuningDataSource("data/train.jsonl", 2), new TuningDataSource("data/extra.jsonl")],
        ValidationFiles = [new TuningDataSource("data/valid.jsonl")],
        Hyperparameters = hyper ?? new TuningHyperparameters { Steps = 10, LearningRate = 1e-4, WarmupFraction = 0.1 },
        Suffix = "support",
        AutoStart = autoStart,
    };

    private void WriteData()
    {
        _sandbox.WriteChats("data/train.jsonl", 12);
        _sandbox.WriteChats("data/extra.jsonl", 4, "accounts");
        _sandbox.WriteChats("data/valid.jsonl", 3, "refunds");
    }

    [Fact]
    public async Task A_job_uploads_its_files_for_fine_tuning_walks_through_mistral_statuses_and_registers_the_fine_tuned_model()
    {
        WriteData();
        var manager = _sandbox.Manager(Backend());
        var preparation = await manager.PrepareAsync(Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken);
        Assert.False(preparation.IsBlocked);

        var job = await manager.StartAsync(preparation, TestContext.Current.CancellationToken);
        var seen = new List<TuningJobStatus> { job.Status };
        var final = await manager.WatchAsync(job.Id, TimeSpan.Zero, (r, _) =>
        {
            seen.Add(r.Job.Status);
            return Task.CompletedTask;
        }, cancellationToken: TestContext.Current.CancellationToken);

        // uploads: multipart with purpose fine-tune, the prepared (valid) lines of each file
        var uploads = _server.Files;
        Assert.Equal(3, uploads.Count);
        Assert.All(uploads, f => Assert.Equal("fine-tune", f.Purpose));
        Assert.Equal(["train.jsonl", "extra.jsonl", "valid.jsonl"], uploads.Select(f => f.FileName));
        Assert.Equal(12, uploads[0].Lines);

        // the job request: weighted training files, validation files, hyperparameters, suffix, auto start
        var create = _server.Requests.Single(r => r.Method == "POST" && r.Path == "/v1/fine_tuning/jobs");
        var body = create.Json!.Value;
        Assert.Equal("open-mistral-7b", body.GetProperty("model").GetString());
        Assert.Equal([(uploads[0].Id, 2.0), (uploads[1].Id, 1.0)],
            body.GetProperty("training_files").EnumerateArray().Select(t => (t.GetProperty("file_id").GetString(), t.GetProperty("weight").GetDouble())));
        Assert.Equal([uploads[2].Id], body.GetProperty("validation_files").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(10, body.GetProperty("hyperparameters").GetProperty("training_steps").GetInt32());
        Assert.Equal(0.1, body.GetProperty("hyperparameters").GetProperty("warmup_fraction").GetDouble());
        Assert.Equal("support", body.GetProperty("suffix").GetString());
        Assert.True(body.GetProperty("auto_start").GetBoolean());
        Assert.All(_server.Requests, r => Assert.Equal("Bearer " + TuningSandbox.Key, r.Authorization));

        // status transitions, QUEUED to SUCCESS, each status once and in order
        Assert.Equal(
            [TuningJobStatus.Queued, TuningJobStatus.Validating, TuningJobStatus.Validated, TuningJobStatus.Running, TuningJobStatus.Succeeded],
            seen.Distinct());
        Assert.Equal(TuningJobStatus.Succeeded, final.Status);
        Assert.Equal("SUCCESS", final.VendorStatus);
        Assert.Equal(_server.Jobs.Single().Id, final.ExternalId);
        Assert.Equal((10, 10), (final.Step, final.TotalSteps));

        // events: every status change, once
        var events = new List<TuningEvent>();
        await foreach (var e in _sandbox.Store.ReadEventsAsync(job.Id, 0, TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        Assert.Equal(["status-updated: QUEUED", "status-updated: VALIDATING", "status-updated: VALIDATED", "status-updated: RUNNING", "status-updated: SUCCESS"],
            events.Where(e => e.Key.StartsWith("status-updated", StringComparison.Ordinal)).Select(e => e.Message));

        // checkpoints with their metrics
        var checkpoints = await _sandbox.Store.ReadCheckpointsAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal([(5, (double?)1.25, (double?)1.4, (double?)0.55), (10, 0.75, 0.9, 0.71)],
            checkpoints.Select(c => (c.Step, c.TrainLoss, c.ValidLoss, c.ValidAccuracy)));

        // the registered model, callable through the mistral provider, with its lineage
        var model = await manager.Registry.ResolveAsync(final.RegisteredModelId!, TestContext.Current.CancellationToken);
        Assert.Equal(_server.Jobs.Single().FineTunedModel, model.Reference);
        Assert.StartsWith("ft:open-mistral-7b:", model.Reference, StringComparison.Ordinal);
        Assert.Equal((TuningOutputKind.Hosted, "mistral", ModelSource.Tuned), (model.Kind, model.Provider, model.Source));
        Assert.Equal(3, model.Lineage.Datasets.Count);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_sandbox.PathOf("data/train.jsonl")))),
            model.Lineage.Datasets[0].Sha256);
        Assert.Equal((12L, 0L), (model.Lineage.Datasets[0].Examples, model.Lineage.Datasets[0].Rejected));
        Assert.Equal(new ModelMetrics(10, 0.75, 0.9, 0.71, _server.Jobs.Single().TrainTokens), model.Lineage.Metrics);
        Assert.StartsWith("support-", model.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_returns_mistrals_own_estimate_and_deletes_the_files_it_uploaded()
    {
        WriteData();
        var manager = _sandbox.Manager(Backend());
        var preparation = await manager.PrepareAsync(Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken);

        var dryRun = await manager.DryRunAsync(preparation, TestContext.Current.CancellationToken);

        var dryRequest = _server.Requests.Single(r => r.Path.StartsWith("/v1/fine_tuning/jobs", StringComparison.Ordinal));
        Assert.Equal("/v1/fine_tuning/jobs?dry_run=true", dryRequest.Path);
        long dataTokens = File.ReadAllText(preparation.Launch.TrainingFiles[0].Path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length
            + File.ReadAllText(preparation.Launch.TrainingFiles[1].Path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Equal(dataTokens, dryRun.DataTokens);
        Assert.Equal(10_000, dryRun.TrainTokens); // 10 steps x 1,000 tokens per step
        Assert.Equal(10, dryRun.Steps);
        Assert.Equal(4m, dryRun.Estimate.Cost); // $2/M of 10k tokens is below Mistral's $4 minimum
        Assert.Equal("USD", dryRun.Estimate.Currency);
        Assert.Equal(TimeSpan.FromSeconds(10_000 / 500 + 60), dryRun.Estimate.Duration);
        Assert.Contains("Mistral marks this fine-tuning API as deprecated", dryRun.Details);
        Assert.Empty(_server.Files);
        Assert.Empty(_server.Jobs);
    }

    [Fact]
    public async Task A_job_that_does_not_auto_start_waits_validated_until_resumed_then_finishes()
    {
        WriteData();
        var manager = _sandbox.Manager(Backend());
        var job = await manager.StartAsync(await manager.PrepareAsync(Draft(autoStart: false), TuningSandbox.Counter, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var waiting = await manager.WatchAsync(job.Id, TimeSpan.Zero, (_, _) => Task.CompletedTask, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Validated, waiting.Status);
        Assert.False(_server.Jobs.Single().Request["auto_start"]!.GetValue<bool>());
        Assert.Equal(TuningJobStatus.Validated, (await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken)).Job.Status);

        await manager.ResumeAsync(job.Id, TestContext.Current.CancellationToken);
        var done = await manager.WatchAsync(job.Id, TimeSpan.Zero, (_, _) => Task.CompletedTask, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains(_server.Requests, r => r.Method == "POST" && r.Path.EndsWith("/start", StringComparison.Ordinal));
        Assert.Equal(TuningJobStatus.Succeeded, done.Status);
        Assert.NotNull(done.RegisteredModelId);
    }

    [Fact]
    public async Task Cancelling_asks_mistral_and_the_job_ends_cancelled_after_mistral_confirms()
    {
        WriteData();
        _server.Advancing = FakeTuningAdvance.Manual;
        var manager = _sandbox.Manager(Backend());
        var job = await manager.StartAsync(await manager.PrepareAsync(Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        _server.Advance(_server.Jobs.Single().Id);

        var cancelling = await manager.CancelAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal((TuningJobStatus.Cancelling, "CANCELLATION_REQUESTED"), (cancelling.Job.Status, cancelling.Job.VendorStatus));

        _server.Advance(_server.Jobs.Single().Id);
        var cancelled = await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Cancelled, cancelled.Job.Status);
        Assert.NotNull(cancelled.Job.FinishedAt);
        var error = await Assert.ThrowsAsync<TuningException>(() => manager.CancelAsync(job.Id, TestContext.Current.CancellationToken));
        Assert.Contains("already cancelled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_transitions_follow_mistrals_clock()
    {
        WriteData();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero));
        _server.TimeProvider = time;
        _server.Advancing = FakeTuningAdvance.ByClock;
        await using var sandbox = new TuningSandbox(time);
        sandbox.WriteChats("data/train.jsonl", 12);
        sandbox.WriteChats("data/extra.jsonl", 4);
        sandbox.WriteChats("data/valid.jsonl", 3);
        var manager = sandbox.Manager(Backend(time));
        var job = await manager.StartAsync(await manager.PrepareAsync(Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        async Task<TuningJob> At(int minutes)
        {
            time.SetUtcNow(new DateTimeOffset(2026, 7, 1, 8, minutes, 0, TimeSpan.Zero));
            return (await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken)).Job;
        }

        Assert.Equal(TuningJobStatus.Queued, (await At(0)).Status);
        Assert.Equal(TuningJobStatus.Validating, (await At(1)).Status);
        Assert.Equal(TuningJobStatus.Running, (await At(3)).Status);
        var midway = await At(8);
        Assert.Equal((TuningJobStatus.Running, 5), (midway.Status, midway.Step));
        var done = await At(20);
        Assert.Equal(TuningJobStatus.Succeeded, done.Status);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 8, 14, 0, TimeSpan.Zero), done.FinishedAt);
        var statusTimes = new List<(string, DateTimeOffset)>();
        await foreach (var e in sandbox.Store.ReadEventsAsync(job.Id, 0, TestContext.Current.CancellationToken))
        {
            if (e.Kind == "status" && e.Key.StartsWith("status-updated", StringComparison.Ordinal))
            {
                statusTimes.Add((e.Message, e.At));
            }
        }

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 8, 3, 0, TimeSpan.Zero), statusTimes.Single(s => s.Item1.EndsWith("RUNNING", StringComparison.Ordinal)).Item2);
    }

    [Fact]
    public async Task A_model_mistral_does_not_fine_tune_is_refused_with_mistrals_message()
    {
        WriteData();
        var manager = _sandbox.Manager(Backend());
        var preparation = await manager.PrepareAsync(Draft() with { BaseModel = "mistral-large-latest", BaseReference = "mistral-large-latest" }, TuningSandbox.Counter, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.StartAsync(preparation, TestContext.Current.CancellationToken));

        Assert.Equal(400, error.StatusCode);
        Assert.True(error.IsInputError);
        Assert.Contains("Mistral rejected the job creation (HTTP 400: Model not available for this type of fine-tuning (completion). Available models: open-mistral-7b", error.Message, StringComparison.Ordinal);
        var recorded = await _sandbox.Store.GetJobAsync(preparation.Job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Failed, recorded!.Status);
        Assert.Contains("Model not available", recorded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hyperparameter_mistral_rejects_comes_back_with_the_field_and_mistrals_validation_message()
    {
        WriteData();
        var manager = _sandbox.Manager(Backend());
        var preparation = await manager.PrepareAsync(Draft(new TuningHyperparameters { Steps = 10, LearningRate = 0.5 }), TuningSandbox.Counter, TestContext.Current.CancellationToken);
        preparation = preparation with { Launch = preparation.Launch with { Job = preparation.Job with { Request = preparation.Job.Request with { Hyperparameters = new TuningHyperparameters { Steps = 10, LearningRate = 3 } } } } };

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.StartAsync(preparation, TestContext.Current.CancellationToken));

        Assert.Equal(422, error.StatusCode);
        Assert.Contains("hyperparameters.learning_rate: Input should be greater than 0 and less than or equal to 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_mistral_does_not_take_are_refused_before_any_request()
    {
        WriteData();
        var manager = _sandbox.Manager(Backend());

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.PrepareAsync(Draft(new TuningHyperparameters { Steps = 10, LoraRank = 8, BatchSize = 4 }), TuningSandbox.Counter, TestContext.Current.CancellationToken));

        Assert.Contains("--batch is not a Mistral fine-tuning setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("--lora-rank is not a Mistral fine-tuning setting", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_refused_key_is_named_by_its_variable_and_never_shown()
    {
        WriteData();
        _server.RequiredApiKey = "the-right-key";
        var manager = _sandbox.Manager(Backend());

        var error = await Assert.ThrowsAsync<TuningException>(async () =>
            await manager.StartAsync(await manager.PrepareAsync(Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("$MISTRAL_API_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unauthorized", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TuningSandbox.Key, error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_mistral_no_longer_knows_is_a_404_with_mistrals_message()
    {
        var manager = _sandbox.Manager(Backend());
        var job = TuningStoreContract.Job("ft-GONE") with
        {
            Request = TuningStoreContract.Job("x").Request with { BaseUrl = null, ApiKeyEnv = null },
            ExternalId = "00000000-0000-0000-0000-000000000000",
        };
        await _sandbox.Store.CreateJobAsync(job, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("No fine-tuning job with id '00000000-0000-0000-0000-000000000000'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_honouring_retry_after()
    {
        WriteData();
        _server.Enqueue(FakeReply.RateLimited(TimeSpan.Zero), FakeReply.Error(503, "upstream unavailable"));
        var manager = _sandbox.Manager(Backend());

        var job = await manager.StartAsync(await manager.PrepareAsync(Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal(TuningJobStatus.Queued, job.Status);
        Assert.Equal(3, _server.Files.Count);
        Assert.Equal(3, _server.Requests.Count(r => r.Path == "/v1/files" && r.Number <= 3)); // two refused attempts, then the upload
    }
}
