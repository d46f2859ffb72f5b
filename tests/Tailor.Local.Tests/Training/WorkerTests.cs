using System.Diagnostics;
using Tailor.Local.Gguf;
using Tailor.Local.Models;
using Tailor.Local.Training;
using Tailor.Local.Training.Worker;

namespace Tailor.Local.Tests.Training;

/// <summary>The worker process: a dying child is reported with its exit code, bad input comes back as bad input, and the inputs the trainer refuses.</summary>
[Collection(TrainingCollection.Name)]
public sealed class WorkerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private TrainingJob Job(string basePath, TrainingOptions? options = null) => new()
    {
        BaseModelPath = basePath,
        OutputPath = _directory.File("out.gguf"),
        Examples = TrainingData.Chats(TrainingData.Pairs),
        Options = options ?? new TrainingOptions { Steps = 4, BatchSize = 2, SequenceLength = 64, Threads = 1, VerifyExport = false },
    };

    [Fact]
    public async Task A_worker_killed_mid_run_is_reported_with_its_exit_code_and_last_event_and_the_caller_lives_on()
    {
        var client = new TrainingWorkerClient();
        var job = Job(TrainingData.BaseModel, new TrainingOptions { Steps = 100_000, BatchSize = 2, SequenceLength = 64, Threads = 1 });

        var error = await Assert.ThrowsAsync<TrainingException>(() => client.RunAsync(job, new SyncProgress(e =>
        {
            if (e is TrainingStepCompleted { Step: 2 })
            {
                Process.GetProcessById(client.ProcessId!.Value).Kill();
            }
        })));

        Assert.False(error.IsInputError);
        Assert.Contains("exit code 137 (SIGKILL", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"event\":\"step\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_the_trainer_refuses_comes_back_from_the_worker_as_bad_input()
    {
        var error = await Assert.ThrowsAsync<TrainingException>(() => new TrainingWorkerClient().RunAsync(
            Job(TrainingData.BaseModel, new TrainingOptions { SequenceLength = 4096, Threads = 1 })));

        Assert.True(error.IsInputError);
        Assert.Contains("exceeds the model's context length 128", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_F16_base_trains_and_a_quantized_base_is_refused_by_name()
    {
        var weights = LlamaModelWeights.Load(TrainingData.BaseModel);
        var f16 = TrainingData.WriteModel("base-f16.gguf", weights, GgmlType.F16);
        var result = LocalTrainer.Train(Job(f16) with { Options = Job(f16).Options with { Lora = new LoraOptions { Rank = 2, Dropout = 0.1f } } });
        Assert.True(result.IsAdapter);

        // the same model with one matrix stored as Q8_0 (zero blocks)
        var quantized = _directory.File("base-q8.gguf");
        using (var source = GgufFile.Open(TrainingData.BaseModel))
        {
            var writer = new GgufWriter();
            foreach (var (key, value) in source.Metadata)
            {
                writer.Metadata.Set(key, value);
            }

            foreach (var tensor in source.Tensors)
            {
                if (tensor.Name == "blk.1.ffn_up.weight")
                {
                    writer.AddTensorBytes(tensor.Name, tensor.Shape, GgmlType.Q8_0, new byte[GgmlTypeTraits.ByteSize(GgmlType.Q8_0, tensor.ElementCount)]);
                }
                else
                {
                    writer.AddTensor(tensor.Name, tensor.Shape, source.ReadTensorAsSingle(tensor), tensor.Type);
                }
            }

            writer.Write(quantized);
        }

        var error = Assert.Throws<TrainingException>(() => LocalTrainer.Train(Job(quantized)));
        Assert.True(error.IsInputError);
        Assert.Contains("tensor 'blk.1.ffn_up.weight' is q8_0", error.Message, StringComparison.Ordinal);
    }
}
