using Tailor.Local.Models;
using Tailor.Local.Tokenizer;
using Tailor.Local.Training.Data;
using Tailor.Local.Training.Graph;

namespace Tailor.Local.Tests.Training;

/// <summary>Gradient accumulation and clipping, checked against the same work done in one piece and against host arithmetic.</summary>
[Collection(TrainingCollection.Name)]
public sealed unsafe class AccumulationTests
{
    private const int Length = 64;

    [Fact]
    public void Two_micro_batches_of_2_rows_accumulate_the_loss_and_gradient_of_one_micro_batch_of_4()
    {
        var encoder = new ExampleEncoder(new LlamaTokenizer(TrainingData.Vocabulary), Length);
        var e = encoder.Encode(TrainingData.Chats(TrainingData.Pairs.Take(4)), "test");
        var pad = TrainingData.Vocabulary.EosId;
        var weights = LlamaModelWeights.CreateRandom(TrainingData.Config, seed: 9, std: 0.05f);
        using var backend = new CpuBackend(1);

        // one micro-batch of 4 rows
        using var model4 = new ModelTensors(weights, backend.Handle);
        using var inputs4 = new GraphInputs(4, Length, TrainingData.Config.VocabularySize, 4 * Length, backend.Handle);
        using var engine4 = new TrainingEngine(backend, model4, null, inputs4, new AdamWSettings(0.9f, 0.999f, 1e-8f, 0, 0));
        var whole = PackedBatch.Pack([[e[0]], [e[1]], [e[2]], [e[3]]], 4, Length, pad);
        engine4.ZeroGradients();
        var loss4 = engine4.Accumulate(whole, null)!.Value;

        // two micro-batches of 2 rows, gradients added up in the accumulators
        using var model2 = new ModelTensors(weights, backend.Handle);
        using var inputs2 = new GraphInputs(2, Length, TrainingData.Config.VocabularySize, 2 * Length, backend.Handle);
        using var engine2 = new TrainingEngine(backend, model2, null, inputs2, new AdamWSettings(0.9f, 0.999f, 1e-8f, 0, 0));
        var first = PackedBatch.Pack([[e[0]], [e[1]]], 2, Length, pad);
        var second = PackedBatch.Pack([[e[2]], [e[3]]], 2, Length, pad);
        engine2.ZeroGradients();
        var loss2 = engine2.Accumulate(first, null)!.Value + engine2.Accumulate(second, null)!.Value;

        Assert.Equal(whole.TrainedTokens, first.TrainedTokens + second.TrainedTokens);
        Assert.Equal(loss4, loss2, 3);
        double worst = 0, norm = 0;
        for (var i = 0; i < engine4.Trainables.Count; i++)
        {
            var g4 = engine4.ReadGradient(engine4.Trainables[i]);
            var g2 = engine2.ReadGradient(engine2.Trainables[i]);
            var scale = Math.Max(1e-6, g4.Max(Math.Abs));
            for (var j = 0; j < g4.Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(g4[j] - g2[j]) / scale);
                norm += (double)g2[j] * g2[j];
            }
        }

        Assert.True(worst < 1e-4, $"max relative gradient difference {worst:E2}");

        // clipping: the step reports the host norm of the mean gradient, and clips to the limit
        var tokens = first.TrainedTokens + second.TrainedTokens;
        var expectedNorm = Math.Sqrt(norm) / tokens;
        using var clipped = new TrainingEngine(backend, model2, null, inputs2, new AdamWSettings(0.9f, 0.999f, 1e-8f, 0, MaxGradNorm: (float)(expectedNorm / 2)));
        clipped.ZeroGradients();
        clipped.Accumulate(first, null);
        clipped.Accumulate(second, null);
        var outcome = clipped.ApplyStep(tokens, 1e-3f);
        Assert.Equal(expectedNorm, outcome.GradientNorm, expectedNorm * 1e-5);
        Assert.Equal(0.5, outcome.ClipScale, 1e-5);
        Assert.False(outcome.Skipped);
        Assert.Equal(1, clipped.Step);
    }
}
