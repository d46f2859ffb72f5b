using System.Diagnostics;
using System.Text.Json;
using Tailor.Data.Tokens;
using Tailor.Local.Gguf;
using Tailor.Local.Tests.Training;
using Tailor.Local.Training;
using Tailor.Local.Training.Worker;
using Tailor.Local.Tuning;
using Tailor.Store.Sqlite;
using Tailor.Tuning;
using Tailor.Tuning.Registry;

namespace Tailor.Local.Tests.Tuning;

/// <summary>
/// The local backend end to end on the real trainer in its detached worker process: start, kill the worker mid-run, see
/// the job interrupted, resume from its checkpoint, finish, and find the model in the registry with its lineage.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class LocalTuningBackendTests : IAsyncLifetime
{
    private readonly TempDirectory _project = new();
    private SqliteInteractionStore _store = null!;

    public ValueTask InitializeAsync()
    {
        _store = SqliteInteractionStore.Open(_project.File(".tailor/tailor.db"));
        Directory.CreateDirectory(_project.File("data"));
        File.Copy(TrainingData.BaseModel, _project.File("base.gguf"));
        File.WriteAllLines(_project.File("data/train.jsonl"), TrainingData.Pairs.Select(p => JsonSerializer.Serialize(new
        {
            messages = new[] { new { role = "user", content = p.Question }, new { role = "assistant", content = p.Answer } },
        })));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _project.Dispose();
    }

    private TuningJobManager Manager() => new(_store, [new LocalTuningBackend()], new TuningManagerOptions { ProjectDirectory = _project.Path });

    private static TuningJobDraft Draft(int steps) => new()
    {
        Backend = "local",
        BaseModel = "base.gguf",
        BaseReference = "base.gguf",
        TrainingFiles = [new TuningDataSource("data/train.jsonl")],
        Hyperparameters = new TuningHyperparameters
        {
            Steps = steps, BatchSize = 2, SequenceLength = 64, LearningRate = 5e-3, CheckpointEvery = 10, Seed = 5, Threads = 1, ValidationFraction = 0.1,
        },
        Suffix = "qa",
    };

    /// <summary>Refreshes until <paramref name="done"/> holds (the worker is a real process on a shared machine: no deadline but the test's).</summary>
    private static async Task<TuningJob> UntilAsync(TuningJobManager manager, string id, Func<TuningJob, bool> done)
    {
        while (true)
        {
            var job = (await manager.RefreshAsync(id, TestContext.Current.CancellationToken)).Job;
            if (done(job))
            {
                return job;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_base_model_that_is_not_a_gguf_fails_preparation_and_leaves_no_work_directory()
    {
        File.WriteAllText(_project.File("broken.gguf"), "not a model at all");
        var draft = Draft(steps: 4) with { BaseModel = "broken.gguf", BaseReference = "broken.gguf" };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Manager().PrepareAsync(draft, new TiktokenEstimateCounter(), TestContext.Current.CancellationToken));

        Assert.IsNotType<NullReferenceException>(error);
        string jobs = _project.File(".tailor/tuning");
        Assert.False(Directory.Exists(jobs) && Directory.EnumerateDirectories(jobs).Any(), "pre-flight's prepared data was left behind");
    }

    [Fact]
    public async Task A_job_whose_worker_is_killed_is_interrupted_resumes_from_its_checkpoint_finishes_and_registers_its_lineage()
    {
        var manager = Manager();
        var preparation = await manager.PrepareAsync(Draft(steps: 240), new TiktokenEstimateCounter(), TestContext.Current.CancellationToken);
        Assert.True(preparation.Job.Estimate!.Duration > TimeSpan.Zero);
        Assert.Null(preparation.Job.Estimate.Cost);

        // 1. start: the worker is a detached process; the job's status comes from its files
        var started = await manager.StartAsync(preparation, TestContext.Current.CancellationToken);
        Assert.Contains(started.Status, new[] { TuningJobStatus.Queued, TuningJobStatus.Running });
        int pid = int.Parse(started.State["worker_pid"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(Environment.ProcessId, pid);

        // 2. kill it once a checkpoint is on disk, without a chance to say anything
        var running = await UntilAsync(manager, started.Id, j => j.Step >= 25 || j.Status.IsFinal());
        Assert.Equal(TuningJobStatus.Running, running.Status);
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        // 3. a later look (any process) sees the worker gone
        var interrupted = await UntilAsync(manager, started.Id, j => j.Status != TuningJobStatus.Running);
        Assert.Equal(TuningJobStatus.Interrupted, interrupted.Status);
        Assert.Equal("worker died", interrupted.VendorStatus);
        Assert.Contains($"(process {pid}) stopped without a word after step", interrupted.Error, StringComparison.Ordinal);
        var checkpoints = await _store.ReadCheckpointsAsync(started.Id, TestContext.Current.CancellationToken);
        int resumeStep = checkpoints.Max(c => c.Step);
        Assert.True(resumeStep >= 20, $"checkpoint at {resumeStep}");
        Assert.Contains($"continues from the checkpoint of step {resumeStep}", interrupted.Error, StringComparison.Ordinal);
        Assert.All(checkpoints, c => Assert.StartsWith($".tailor/tuning/{started.Id}/checkpoints/step-", c.Reference, StringComparison.Ordinal));
        await Assert.ThrowsAsync<TuningException>(() => manager.CancelAsync(started.Id, TestContext.Current.CancellationToken));

        // 4. resume: a new worker continues from the checkpoint and finishes
        var resumed = await manager.ResumeAsync(started.Id, TestContext.Current.CancellationToken);
        Assert.NotEqual(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), resumed.Job.State["worker_pid"]);
        Assert.Null(resumed.Job.Error);
        var done = await UntilAsync(manager, started.Id, j => j.Status.IsFinal());
        Assert.Equal(TuningJobStatus.Succeeded, done.Status);
        Assert.Equal((240, 240), (done.Step, done.TotalSteps));

        // 5. the model: a GGUF named by its registry id, bit-identical in its weights to a run never interrupted
        var model = await manager.Registry.ResolveAsync(done.RegisteredModelId!, TestContext.Current.CancellationToken);
        Assert.Equal((TuningOutputKind.Gguf, "local", $".tailor/tuning/{started.Id}/model.gguf"), (model.Kind, model.Provider, model.Reference));
        string output = _project.File(model.Reference);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(output))), model.Sha256);
        Assert.Equal(model.Id, ModelInfo.Read(output).Name);
        var job = JsonSerializer.Deserialize<TrainingJob>(File.ReadAllText(Path.Combine(done.WorkDirectory, "job.json")), WorkerProtocol.Json)!;
        var straight = LocalTrainer.Train(job with
        {
            OutputPath = _project.File("straight.gguf"),
            RunRecordPath = _project.File("straight.run.json"),
            ResumeFrom = null,
            Options = job.Options with { CheckpointDirectory = _project.File("straight.checkpoints"), VerifyExport = false },
        });
        AssertSameWeights(straight.OutputPath, output);

        // 6. lineage: base, data with hash and counts, settings, job, metrics, the run record; events tell the story
        var lineage = model.Lineage;
        Assert.Equal(("base.gguf", "local", done.Id), (lineage.BaseReference, lineage.Backend, lineage.JobId));
        var data = Assert.Single(lineage.Datasets);
        Assert.Equal(("data/train.jsonl", 24L, 0L), (data.Path, data.Examples, data.Rejected));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_project.File("data/train.jsonl")))), data.Sha256);
        Assert.Equal(240, lineage.Hyperparameters!.Steps);
        Assert.Equal(240, lineage.Metrics!.Steps);
        Assert.Equal(straight.FinalLoss, lineage.Metrics.TrainLoss!.Value, 6);
        Assert.NotNull(lineage.Metrics.ValidLoss);
        Assert.Equal($".tailor/tuning/{done.Id}/run.json", lineage.RunRecord);
        Assert.Equal(lineage.Recipe!.ModelId, model.Id);
        var record = RunRecord.TryLoad(_project.File(lineage.RunRecord!))!;
        Assert.Equal(Path.Combine(done.WorkDirectory, "checkpoints", $"step-{resumeStep:D6}.ckpt.gguf"), Assert.Single(record.ResumedFrom));
        var messages = new List<string>();
        await foreach (var e in _store.ReadEventsAsync(done.Id, 0, TestContext.Current.CancellationToken))
        {
            messages.Add(e.Message);
        }

        Assert.Contains(messages, m => m.StartsWith($"the worker (process {pid}) stopped without a word", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("worker resumed (attempt 2", StringComparison.Ordinal) && m.EndsWith($"from step-{resumeStep:D6}.ckpt.gguf", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("training completed: 240 steps", StringComparison.Ordinal));
        Assert.Contains($"registered model {model.Id} ({model.Reference})", messages);
        var metrics = await _store.ReadMetricsAsync(done.Id, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 240), metrics.Select(m => m.Step));
    }

    [Fact]
    public async Task A_job_recorded_interrupted_whose_worker_in_fact_finished_is_succeeded_and_registered_on_the_next_refresh()
    {
        var manager = Manager();
        var started = await manager.StartAsync(await manager.PrepareAsync(Draft(steps: 4), new TiktokenEstimateCounter(), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        using (var worker = Process.GetProcessById(int.Parse(started.State["worker_pid"], System.Globalization.CultureInfo.InvariantCulture)))
        {
            await worker.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        // what a reader that looked between the worker's last line and its exit once stored
        var stale = started with { Status = TuningJobStatus.Interrupted, VendorStatus = "worker died", Error = "stopped without a word", FinishedAt = DateTimeOffset.UtcNow };
        await _store.SaveProgressAsync(stale, [], [], [], TestContext.Current.CancellationToken);

        var healed = (await manager.RefreshAsync(started.Id, TestContext.Current.CancellationToken)).Job;

        Assert.Equal((TuningJobStatus.Succeeded, "completed", null), (healed.Status, healed.VendorStatus, healed.Error));
        Assert.NotNull(healed.RegisteredModelId);
    }

    [Fact]
    public async Task Cancelling_stops_the_worker_after_a_checkpoint_and_a_cancelled_job_can_be_resumed()
    {
        var manager = Manager();
        var job = await manager.StartAsync(await manager.PrepareAsync(Draft(steps: 100_000), new TiktokenEstimateCounter(), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await UntilAsync(manager, job.Id, j => j.Step >= 3);

        var cancelling = await manager.CancelAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Contains(cancelling.Job.Status, new[] { TuningJobStatus.Cancelling, TuningJobStatus.Cancelled });
        var cancelled = await UntilAsync(manager, job.Id, j => j.Status.IsFinal());
        Assert.Equal(TuningJobStatus.Cancelled, cancelled.Status);
        Assert.Contains("'tailor tune resume' continues from its checkpoint", cancelled.Error, StringComparison.Ordinal);
        int step = cancelled.Step!.Value;
        Assert.Contains(await _store.ReadCheckpointsAsync(job.Id, TestContext.Current.CancellationToken), c => c.Step == step);

        await manager.ResumeAsync(job.Id, TestContext.Current.CancellationToken);
        var again = await UntilAsync(manager, job.Id, j => j.Step > step + 2);
        Assert.Equal(TuningJobStatus.Running, again.Status);
        await manager.CancelAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(TuningJobStatus.Cancelled, (await UntilAsync(manager, job.Id, j => j.Status.IsFinal())).Status);
    }

    [Fact]
    public async Task Tool_calls_are_refused_by_pre_flight_for_the_local_trainer_and_input_the_trainer_refuses_fails_the_job_as_bad_input()
    {
        File.AppendAllText(_project.File("data/train.jsonl"),
            """{"messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "tool_calls": [{"id": "call00001", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call00001", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}]}""" + "\n");
        var manager = Manager();

        var preparation = await manager.PrepareAsync(Draft(steps: 4), new TiktokenEstimateCounter(), TestContext.Current.CancellationToken);

        Assert.True(preparation.IsBlocked);
        var problem = Assert.Single(preparation.Preflight.Files[0].BackendProblems);
        Assert.Equal(25, problem.Line);
        Assert.Contains("does not learn tool calls", problem.Message, StringComparison.Ordinal);
        TuningJobManager.Discard(preparation);

        // forced, the job runs without that line; a sequence longer than the model's context fails as bad input
        var forced = await manager.PrepareAsync(Draft(steps: 4) with { Force = true, Hyperparameters = Draft(4).Hyperparameters with { SequenceLength = 4096 } },
            new TiktokenEstimateCounter(), TestContext.Current.CancellationToken);
        Assert.Equal(24, File.ReadAllLines(forced.Launch.TrainingFiles[0].Path).Length);
        var job = await manager.StartAsync(forced, TestContext.Current.CancellationToken);
        var failed = await UntilAsync(manager, job.Id, j => j.Status.IsFinal());
        Assert.Equal((TuningJobStatus.Failed, "bad input"), (failed.Status, failed.VendorStatus));
        Assert.Contains("exceeds the model's context length 128", failed.Error, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<TuningException>(() => manager.ResumeAsync(job.Id, TestContext.Current.CancellationToken));
        Assert.Contains("failed on its input", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameWeights(string expectedPath, string actualPath)
    {
        using var expected = GgufFile.Open(expectedPath);
        using var actual = GgufFile.Open(actualPath);
        Assert.Equal(expected.Tensors.Select(t => t.Name), actual.Tensors.Select(t => t.Name));
        foreach (var tensor in expected.Tensors)
        {
            Assert.True(expected.ReadTensorAsSingle(tensor).AsSpan().SequenceEqual(actual.ReadTensorAsSingle(actual.Tensors.Single(t => t.Name == tensor.Name))), $"tensor {tensor.Name} differs");
        }
    }
}
