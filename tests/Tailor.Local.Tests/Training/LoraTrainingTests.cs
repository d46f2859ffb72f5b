using System.Security.Cryptography;
using Tailor.Local.Gguf;
using Tailor.Local.Training;

namespace Tailor.Local.Tests.Training;

/// <summary>LoRA over a frozen base: the adapter teaches new answers, the base file does not change, llama.cpp loads the adapter.</summary>
[Collection(TrainingCollection.Name)]
public sealed class LoraTrainingTests(TrainedModelFixture trained) : IDisposable
{
    private const int Changed = 6;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_LoRA_fine_tune_changes_the_trained_answers_keeps_the_base_file_and_loads_at_inference()
    {
        var before = SHA256.HashData(File.ReadAllBytes(trained.ModelPath));
        var adapterPath = _directory.File("moved.lora.gguf");
        var events = new List<TrainingEvent>();

        var result = LocalTrainer.Train(new TrainingJob
        {
            BaseModelPath = trained.ModelPath,
            OutputPath = adapterPath,
            Examples = TrainingData.Chats(TrainingData.ChangedPairs(Changed)),
            Options = TrainedModelFixture.QaOptions with { Steps = 200, LearningRate = 1e-2f, Lora = new LoraOptions { Rank = 8, Alpha = 16 } },
        }, new SyncProgress(events.Add));

        // the base is byte-identical and the output is an adapter of A/B pairs only
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(trained.ModelPath)));
        Assert.True(result.IsAdapter);
        using (var file = GgufFile.Open(adapterPath))
        {
            Assert.Equal("adapter", file.Metadata.GetString(GgufKeys.Type));
            Assert.All(file.Tensors, t => Assert.True(t.Name.EndsWith(".lora_a", StringComparison.Ordinal) || t.Name.EndsWith(".lora_b", StringComparison.Ordinal)));
            Assert.Equal(2 * 7 * TrainingData.Config.LayerCount, file.Tensors.Count);
        }

        var started = Assert.Single(events.OfType<TrainingStarted>());
        Assert.Equal("lora", started.Mode);
        Assert.True(started.TrainableParameters < started.Parameters / 4);
        Assert.True(Assert.Single(events.OfType<ExportVerified>()).MaxRelativeDifference < 1e-4);

        // through llama.cpp with the adapter: the changed questions get the new answers, the others keep theirs
        var answers = await TrainedModelFixture.AskAll(trained.ModelPath, adapterPath, TrainingData.ChangedPairs(Changed));
        var changed = answers.Take(Changed).Count(a => a.Got == a.Expected);
        var kept = answers.Skip(Changed).Count(a => a.Got == a.Expected);
        TestContext.Current.TestOutputHelper?.WriteLine($"changed {changed}/{Changed}, kept {kept}/{answers.Count - Changed}; {started.TrainableParameters} of {started.Parameters} parameters trained; final loss {result.FinalLoss:F4}");
        Assert.True(changed >= Changed - 1, $"{changed}/{Changed} changed answers learned: {string.Join("; ", answers.Take(Changed).Select(a => a.Got))}");
        Assert.True(kept >= 0.9 * (answers.Count - Changed), $"{kept}/{answers.Count - Changed} other answers kept");

        // without the adapter the base still gives the old answers
        var baseAnswers = await TrainedModelFixture.AskAll(trained.ModelPath, adapter: null, TrainingData.Pairs.Take(Changed));
        Assert.True(baseAnswers.Count(a => a.Got == a.Expected) >= Changed - 1);
    }

    [Fact]
    public void A_merged_LoRA_output_is_a_full_model_whose_logits_llama_cpp_matches_with_the_adapter_graph()
    {
        var mergedPath = _directory.File("merged.gguf");
        var events = new List<TrainingEvent>();

        var result = LocalTrainer.Train(new TrainingJob
        {
            BaseModelPath = trained.ModelPath,
            OutputPath = mergedPath,
            Examples = TrainingData.Chats(TrainingData.ChangedPairs(Changed)),
            Options = TrainedModelFixture.QaOptions with { Steps = 20, Lora = new LoraOptions { Rank = 4, Alpha = 8, Targets = ["attn_v", "ffn_down"], Merge = true } },
        }, new SyncProgress(events.Add));

        Assert.False(result.IsAdapter);
        using (var file = GgufFile.Open(mergedPath))
        {
            Assert.Null(file.Metadata.GetString(GgufKeys.Type));
            Assert.DoesNotContain(file.Tensors, t => t.Name.Contains("lora", StringComparison.Ordinal));
            Assert.Equal("lora", file.Metadata.GetString("tailor.training.mode"));
        }

        // the trained graph (base + adapter) against llama.cpp on the merged file: the merge is W + (alpha/r)·B·A
        Assert.True(Assert.Single(events.OfType<ExportVerified>()).MaxRelativeDifference < 1e-4);
    }
}
