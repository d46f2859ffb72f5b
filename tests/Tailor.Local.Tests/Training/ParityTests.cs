using Tailor.Local.Models;
using Tailor.Local.Tokenizer;
using Tailor.Local.Training.Data;
using Tailor.Local.Training.Export;
using Tailor.Local.Training.Graph;

namespace Tailor.Local.Tests.Training;

/// <summary>The hand-built training graph and llama.cpp compute the same logits for the trained, exported model.</summary>
[Collection(TrainingCollection.Name)]
public sealed class ParityTests(TrainedModelFixture trained)
{
    private const int Length = 128;

    [Fact]
    public void The_trained_graph_and_llama_cpp_give_the_same_logits_for_the_exported_model()
    {
        var tokenizer = new LlamaTokenizer(TrainingData.Vocabulary);
        var sequences = TrainingData.Pairs.Take(3)
            .Select(p => EncodedChat.Encode(tokenizer, ChatTemplate.ChatMl, [new ChatTurn("user", p.Question), new ChatTurn("assistant", p.Answer)]).Ids)
            .Append([.. Enumerable.Range(0, 100).Select(i => (i * 37 + 5) % TrainingData.Vocabulary.Count)]) // arbitrary ids, long positions
            .ToList();

        using var backend = new CpuBackend(1);
        using var model = new ModelTensors(LlamaModelWeights.Load(trained.ModelPath), backend.Handle);
        using var evaluator = new Evaluator(backend, model, null, 1, Length);
        using var cpp = new LlamaCppLogits(trained.ModelPath, adapterPath: null, Length, threads: 1);
        var v = model.Config.VocabularySize;
        double worst = 0;
        int positions = 0, agree = 0;
        foreach (var ids in sequences)
        {
            var ours = evaluator.Logits(PackedBatch.Pack([[new TokenizedExample(ids, new bool[ids.Length], "probe", 0)]], 1, Length, 0));
            var theirs = cpp.Logits(ids);
            for (var i = 0; i < ids.Length; i++)
            {
                var row = ours.AsSpan(i * v, v);
                double diff = 0, scale = 0;
                for (var j = 0; j < v; j++)
                {
                    diff = Math.Max(diff, Math.Abs(row[j] - theirs[i][j]));
                    scale = Math.Max(scale, Math.Abs(theirs[i][j]));
                }

                worst = Math.Max(worst, diff / Math.Max(1, scale));
                agree += ArgMax(row) == ArgMax(theirs[i]) ? 1 : 0;
                positions++;
            }
        }

        Assert.True(worst < 1e-5, $"worst |ours - llama.cpp| / max|logit| = {worst:E2} over {positions} positions");
        Assert.Equal(positions, agree);
        TestContext.Current.TestOutputHelper?.WriteLine($"{positions} positions: worst relative logit difference {worst:E2}, argmax agrees {agree}/{positions}");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
