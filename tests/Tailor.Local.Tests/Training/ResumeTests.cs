using Tailor.Local.Training;
using Tailor.Local.Training.Worker;

namespace Tailor.Local.Tests.Training;

/// <summary>Checkpoint and resume: a run cancelled at step k and resumed, in this process or in new ones, ends bit-identical to the uninterrupted run.</summary>
[Collection(TrainingCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private const int CancelAt = 7;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>Accumulation, clipping, weight decay, warm-up and cosine decay all on, so every piece of state matters.</summary>
    private static TrainingOptions Options => new()
    {
        Steps = 16,
        BatchSize = 4,
        SequenceLength = 64,
        AccumulationSteps = 2,
        LearningRate = 5e-3f,
        WarmupSteps = 4,
        WeightDecay = 0.1f,
        MaxGradNorm = 0.5f,
        CheckpointEvery = 5,
        KeepCheckpoints = 2,
        Seed = 11,
        Threads = 1,
        VerifyExport = false,
    };

    private TrainingJob Job(string name, TrainingOptions? options = null, IReadOnlyList<TrainingExample>? examples = null) => new()
    {
        BaseModelPath = TrainingData.BaseModel,
        OutputPath = _directory.File(name + ".gguf"),
        ModelName = "resume-test",
        Examples = examples ?? TrainingData.Chats(TrainingData.Pairs),
        Options = options ?? Options,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_run_cancelled_at_step_k_and_resumed_ends_bit_identical_to_the_uninterrupted_run(bool loraWithDropout)
    {
        var options = loraWithDropout ? Options with { Lora = new LoraOptions { Rank = 4, Dropout = 0.2f } } : Options;
        var uninterrupted = LocalTrainer.Train(Job("straight", options));

        using var cancel = new CancellationTokenSource();
        var interrupted = Job("interrupted", options);
        var cancelled = Assert.Throws<TrainingCancelledException>(() => LocalTrainer.Train(interrupted, new SyncProgress(e =>
        {
            if (e is TrainingStepCompleted { Step: CancelAt })
            {
                cancel.Cancel();
            }
        }), cancel.Token));
        Assert.Equal(CancelAt, cancelled.Step);
        Assert.True(File.Exists(cancelled.CheckpointPath));
        Assert.False(File.Exists(interrupted.OutputPath));

        var resumed = LocalTrainer.Train(interrupted with { ResumeFrom = "latest" });

        Assert.Equal(uninterrupted.Steps, resumed.Steps);
        Assert.Equal(uninterrupted.FinalLoss, resumed.FinalLoss);
        Assert.Equal(File.ReadAllBytes(uninterrupted.OutputPath), File.ReadAllBytes(resumed.OutputPath));

        // the record continues across the interruption: every step once, the resume noted; only the last 2 checkpoints kept
        var record = RunRecord.TryLoad(resumed.RunRecordPath)!;
        Assert.Equal(Enumerable.Range(1, Options.Steps), record.Steps.Select(s => s.Step));
        Assert.Equal(cancelled.CheckpointPath, Assert.Single(record.ResumedFrom));
        Assert.Equal("completed", record.Status);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(cancelled.CheckpointPath)!, "*.ckpt.gguf").Length);
    }

    [Fact]
    public async Task A_run_cancelled_in_one_worker_process_and_resumed_in_another_ends_bit_identical()
    {
        var uninterrupted = LocalTrainer.Train(Job("in-process"));
        var client = new TrainingWorkerClient();
        using var cancel = new CancellationTokenSource();
        var job = Job("workers");

        var cancelled = await Assert.ThrowsAsync<TrainingCancelledException>(() => client.RunAsync(job, new SyncProgress(e =>
        {
            if (e is TrainingStepCompleted { Step: CancelAt })
            {
                cancel.Cancel();
            }
        }), cancel.Token));
        var resumed = await new TrainingWorkerClient().RunAsync(job with { ResumeFrom = cancelled.CheckpointPath });

        // the cancel line may arrive a step or two after step k: the checkpoint names the step actually reached
        Assert.InRange(cancelled.Step, CancelAt, Options.Steps - 1);
        Assert.Equal(File.ReadAllBytes(uninterrupted.OutputPath), File.ReadAllBytes(resumed.OutputPath));
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_other_options_or_other_data_and_says_what_differs()
    {
        using var cancel = new CancellationTokenSource();
        var job = Job("refuse");
        var cancelled = Assert.Throws<TrainingCancelledException>(() => LocalTrainer.Train(job, new SyncProgress(e =>
        {
            if (e is TrainingStepCompleted { Step: 2 })
            {
                cancel.Cancel();
            }
        }), cancel.Token));

        var otherOptions = Assert.Throws<TrainingException>(() => LocalTrainer.Train(job with { ResumeFrom = cancelled.CheckpointPath, Options = Options with { LearningRate = 1e-3f } }));
        Assert.True(otherOptions.IsInputError);
        Assert.Contains("the options differ", otherOptions.Message, StringComparison.Ordinal);

        var otherData = Assert.Throws<TrainingException>(() => LocalTrainer.Train(job with { ResumeFrom = cancelled.CheckpointPath, Examples = TrainingData.Chats(TrainingData.Pairs.Skip(1)) }));
        Assert.Contains("the training data differs", otherData.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("the options differ", otherData.Message, StringComparison.Ordinal);
    }
}
