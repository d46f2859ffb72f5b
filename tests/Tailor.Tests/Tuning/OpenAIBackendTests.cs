using System.Net.Http.Headers;
using Tailor.Testing;
using Tailor.Tuning;
using Tailor.Tuning.Backends.OpenAI;

namespace Tailor.Tests.Tuning;

/// <summary>The OpenAI-compatible backend against a fake that follows OpenAI's files and fine-tuning contract, over real HTTP.</summary>
public sealed class OpenAIBackendTests : IAsyncLifetime
{
    private FakeOpenAIFineTuningServer _server = null!;
    private TuningSandbox _sandbox = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeOpenAIFineTuningServer.StartAsync(TestContext.Current.CancellationToken);
        _server.RequiredApiKey = TuningSandbox.Key;
        _sandbox = new TuningSandbox();
        _sandbox.WriteChats("data/train.jsonl", 20);
        _sandbox.WriteChats("data/more.jsonl", 5, "accounts");
        _sandbox.WriteChats("data/valid.jsonl", 4, "refunds");
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        await _server.DisposeAsync();
    }

    private TuningJobManager Manager() => _sandbox.Manager(new OpenAITuningBackend(TuningSandbox.Hosted(_server, "OPENAI_API_KEY")));

    private static TuningJobDraft Draft(TuningHyperparameters? hyper = null, string model = "gpt-4o-mini-2024-07-18") => new()
    {
        Backend = "openai",
        BaseModel = model,
        BaseReference = model,
        TrainingFiles = [new TuningDataSource("data/train.jsonl"), new TuningDataSource("data/more.jsonl")],
        ValidationFiles = [new TuningDataSource("data/valid.jsonl")],
        Hyperparameters = hyper ?? new TuningHyperparameters { Epochs = 2, BatchSize = 4, LearningRateMultiplier = 0.5, Seed = 7 },
        Suffix = "support",
    };

    private async Task<TuningJob> StartAsync(TuningJobManager manager, TuningJobDraft? draft = null) =>
        await manager.StartAsync(await manager.PrepareAsync(draft ?? Draft(), TuningSandbox.Counter, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_job_uploads_one_training_file_creates_a_supervised_job_and_reads_events_metrics_and_checkpoints_to_success()
    {
        var manager = Manager();
        var job = await StartAsync(manager);
        var seen = new List<TuningJobStatus> { job.Status };
        var final = await manager.WatchAsync(job.Id, TimeSpan.Zero, (r, _) =>
        {
            seen.Add(r.Job.Status);
            return Task.CompletedTask;
        }, cancellationToken: TestContext.Current.CancellationToken);

        // two training files become one upload; the validation file is its own
        Assert.Equal(["openai-train.jsonl", "valid.jsonl"], _server.Files.Select(f => f.FileName));
        Assert.Equal(25, _server.Files[0].Lines);
        Assert.All(_server.Files, f => Assert.Equal("fine-tune", f.Purpose));
        var body = _server.Requests.Single(r => r.Method == "POST" && r.Path == "/v1/fine_tuning/jobs").Json!.Value;
        Assert.Equal(_server.Files[0].Id, body.GetProperty("training_file").GetString());
        Assert.Equal(_server.Files[1].Id, body.GetProperty("validation_file").GetString());
        var hyper = body.GetProperty("method").GetProperty("supervised").GetProperty("hyperparameters");
        Assert.Equal(("supervised", 2, 4, 0.5), (body.GetProperty("method").GetProperty("type").GetString(), hyper.GetProperty("n_epochs").GetInt32(),
            hyper.GetProperty("batch_size").GetInt32(), hyper.GetProperty("learning_rate_multiplier").GetDouble()));
        Assert.Equal((7, "support", job.Id), (body.GetProperty("seed").GetInt32(), body.GetProperty("suffix").GetString(),
            body.GetProperty("metadata").GetProperty("tailor_job").GetString()));

        Assert.Equal([TuningJobStatus.Validating, TuningJobStatus.Queued, TuningJobStatus.Running, TuningJobStatus.Succeeded], seen.Distinct());
        Assert.Equal(("succeeded", 10, 10), (final.VendorStatus, final.Step, final.TotalSteps));

        // metrics events feed the loss chart; checkpoints are usable models
        var metrics = await _sandbox.Store.ReadMetricsAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal([(5, (double?)1.1, (double?)1.3), (10, 0.6, 0.8)], metrics.Select(m => (m.Step, m.TrainLoss, m.ValidLoss)));
        var checkpoints = await _sandbox.Store.ReadCheckpointsAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal([5, 10], checkpoints.Select(c => c.Step));
        Assert.EndsWith(":ckpt-step-10", checkpoints[1].Reference, StringComparison.Ordinal);
        Assert.Equal((0.8, 0.74), (checkpoints[1].ValidLoss, checkpoints[1].ValidAccuracy));

        var messages = new List<string>();
        await foreach (var e in _sandbox.Store.ReadEventsAsync(job.Id, 0, TestContext.Current.CancellationToken))
        {
            messages.Add(e.Message);
        }

        Assert.Contains("Step 10/10: training loss=0.6", messages);
        Assert.Contains($"New fine-tuned model created: {_server.Jobs.Single().FineTunedModel}", messages);
        Assert.Equal(messages.Count, messages.Distinct().Count());

        var model = await manager.Registry.ResolveAsync(final.RegisteredModelId!, TestContext.Current.CancellationToken);
        Assert.Equal((_server.Jobs.Single().FineTunedModel, "openai"), (model.Reference, model.Provider));
        Assert.Equal(_server.Jobs.Single().TrainTokens, model.Lineage.Metrics!.TrainedTokens);
    }

    [Fact]
    public async Task A_failed_validation_ends_the_job_failed_with_openais_error_code_and_message()
    {
        _server.ScriptNextJob(new FakeTuningStage("failed")
        {
            Error = "The job failed due to an invalid training file. Expected file to have JSONL format, where every line is a valid JSON dictionary. Line 3 is not a dictionary.",
            ErrorCode = "invalid_training_file",
        });
        var manager = Manager();
        var job = await StartAsync(manager);

        var final = await manager.WatchAsync(job.Id, TimeSpan.Zero, (_, _) => Task.CompletedTask, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TuningJobStatus.Failed, final.Status);
        Assert.Equal("The job failed due to an invalid training file. Expected file to have JSONL format, where every line is a valid JSON dictionary. Line 3 is not a dictionary. [invalid_training_file] (param: training_file)", final.Error);
        Assert.Null(final.RegisteredModelId);
        Assert.NotNull(final.FinishedAt);
    }

    [Fact]
    public async Task A_paused_job_is_resumed_and_finishes()
    {
        var manager = Manager();
        var job = await StartAsync(manager);
        await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken);
        await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken); // running
        using (var http = new HttpClient())
        {
            using var pause = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.BaseUrl, $"fine_tuning/jobs/{_server.Jobs.Single().Id}/pause"));
            pause.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TuningSandbox.Key);
            (await http.SendAsync(pause, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        var paused = await manager.WatchAsync(job.Id, TimeSpan.Zero, (_, _) => Task.CompletedTask, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Paused, paused.Status);

        var resumed = await manager.ResumeAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Queued, resumed.Job.Status);
        var done = await manager.WatchAsync(job.Id, TimeSpan.Zero, (_, _) => Task.CompletedTask, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Succeeded, done.Status);

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.ResumeAsync(job.Id, TestContext.Current.CancellationToken));
        Assert.Contains("already succeeded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_running_job_ends_it_cancelled_and_cancelling_it_again_is_refused_locally()
    {
        var manager = Manager();
        var job = await StartAsync(manager);
        await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken);

        var cancelled = await manager.CancelAsync(job.Id, TestContext.Current.CancellationToken);

        Assert.Equal(TuningJobStatus.Cancelled, cancelled.Job.Status);
        Assert.Contains(_server.Requests, r => r.Path.EndsWith("/cancel", StringComparison.Ordinal));
        await Assert.ThrowsAsync<TuningException>(() => manager.CancelAsync(job.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_model_openai_does_not_fine_tune_is_refused_with_openais_message_and_param()
    {
        var manager = Manager();
        var error = await Assert.ThrowsAsync<TuningException>(() => StartAsync(manager, Draft(model: "gpt-5-turbo-ultra")));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("OpenAI rejected the job creation (HTTP 400: Model gpt-5-turbo-ultra is not available for fine-tuning or does not exist.) [param: model]", error.Message);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_by_openai_and_the_masked_key_openai_echoes_is_not_repeated()
    {
        _server.RequiredApiKey = "sk-right";
        var error = await Assert.ThrowsAsync<TuningException>(() => StartAsync(Manager()));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("OpenAI refused the API key in $OPENAI_API_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TuningSandbox.Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_openai_does_not_have_are_refused_with_the_one_it_has()
    {
        var error = await Assert.ThrowsAsync<TuningException>(() => Manager().PrepareAsync(Draft(new TuningHyperparameters { LearningRate = 1e-4, Steps = 100, Epochs = 2.5 }), TuningSandbox.Counter, TestContext.Current.CancellationToken));

        Assert.Contains("--lr is not an OpenAI setting: OpenAI scales its own rate with --lr-multiplier", error.Message, StringComparison.Ordinal);
        Assert.Contains("--steps is not an OpenAI setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("--epochs must be a whole number from 1 to 50", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task The_dry_run_estimate_uses_openais_auto_epochs_and_list_price()
    {
        var manager = Manager();
        var preparation = await manager.PrepareAsync(Draft(new TuningHyperparameters()), TuningSandbox.Counter, TestContext.Current.CancellationToken);

        var dryRun = await manager.DryRunAsync(preparation, TestContext.Current.CancellationToken);

        // 25 examples: 3 epochs would be 75 example passes, under OpenAI's 100, so auto picks ceil(100 / 25) = 4
        Assert.Equal(4, dryRun.Epochs);
        Assert.Equal(preparation.Preflight.Tokens.TotalTokens * 4, dryRun.TrainTokens);
        Assert.Equal(Math.Round(preparation.Preflight.Tokens.TotalTokens * 4 / 1_000_000m * 3.00m, 2), dryRun.Estimate.Cost);
        Assert.Contains("at $3.00/M for gpt-4o-mini-2024-07-18", dryRun.Estimate.Basis, StringComparison.Ordinal);
        Assert.Equal(preparation.Job.Estimate, dryRun.Estimate);
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData(5, 20)]
    [InlineData(25, 4)]
    [InlineData(100, 3)]
    [InlineData(10_000, 2)]
    [InlineData(30_000, 1)]
    public void Auto_epochs_follow_openais_rule(long examples, int epochs) => Assert.Equal(epochs, OpenAICostEstimator.AutoEpochs(examples));

    [Fact]
    public async Task Events_are_paged_back_only_to_the_newest_one_already_stored()
    {
        var stages = new List<FakeTuningStage> { new("running") };
        stages.AddRange(Enumerable.Range(1, 150).Select(i => new FakeTuningStage("running") { Metrics = new FakeTuningMetrics(i, 3.0 - i / 100.0) }));
        stages.Add(new FakeTuningStage("succeeded"));
        _server.ScriptNextJob([.. stages]);
        _server.Advancing = FakeTuningAdvance.Manual;
        var manager = Manager();
        var job = await StartAsync(manager);
        var fake = _server.Jobs.Single().Id;
        for (int i = 0; i < 140; i++)
        {
            _server.Advance(fake);
        }

        await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken);
        int firstPages = _server.Requests.Count(r => r.Path.Contains("/events", StringComparison.Ordinal));
        for (int i = 0; i < 20; i++)
        {
            _server.Advance(fake);
        }

        var done = await manager.RefreshAsync(job.Id, TestContext.Current.CancellationToken);
        int secondPages = _server.Requests.Count(r => r.Path.Contains("/events", StringComparison.Ordinal)) - firstPages;

        Assert.Equal(2, firstPages);   // 142 events: two pages of 100
        Assert.Equal(1, secondPages);  // the 13 new ones fit before the known event
        Assert.Equal(TuningJobStatus.Succeeded, done.Job.Status);
        var metrics = await _sandbox.Store.ReadMetricsAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 150), metrics.Select(m => m.Step));
        long stored = 0;
        await foreach (var e in _sandbox.Store.ReadEventsAsync(job.Id, 0, TestContext.Current.CancellationToken))
        {
            stored += e.Key.StartsWith("ftevent-", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(154, stored); // validating, running, 150 metrics, the new model, succeeded: each once
    }
}
