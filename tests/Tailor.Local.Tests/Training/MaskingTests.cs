using Tailor.Local.Models;
using Tailor.Local.Native;
using Tailor.Local.Tokenizer;
using Tailor.Local.Training;
using Tailor.Local.Training.Data;
using Tailor.Local.Training.Graph;

namespace Tailor.Local.Tests.Training;

/// <summary>Loss masking: only assistant tokens carry loss, masked positions get exactly zero gradient, and training moves only what it should.</summary>
[Collection(TrainingCollection.Name)]
public sealed unsafe class MaskingTests : IDisposable
{
    private const int Length = 64;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static readonly TrainingMessage[] Conversation =
    [
        new("system", "Answer with the code."),
        new("user", "What is the code of violet?"),
        new("assistant", "violet is 230"),
    ];

    [Fact]
    public void Masked_positions_get_exactly_zero_logit_gradient_and_the_loss_is_the_mean_NLL_of_trained_tokens()
    {
        // a real batch: two rows, three packed conversations, one of them with a weight-0 assistant turn
        const int Row = 128;
        var encoder = new ExampleEncoder(new LlamaTokenizer(TrainingData.Vocabulary), Row);
        var examples = encoder.Encode(
        [
            TrainingExample.Chat(Conversation),
            TrainingExample.Chat([new("user", "What is the code of amber?"), new("assistant", "amber is 1", Weight: 0), new("user", "And of raven?"), new("assistant", "raven is 2")]),
            TrainingExample.Chat([new("user", "What is the code of quartz?"), new("assistant", "quartz is 3")]),
        ], "test");
        var batch = PackedBatch.Pack([[examples[0], examples[2]], [examples[1]]], 2, Row, TrainingData.Vocabulary.EosId);
        var n = 2 * Row;
        var v = TrainingData.Config.VocabularySize;
        Assert.InRange(batch.TrainedTokens, 10, n / 2);

        using var backend = new CpuBackend(1);
        float[] logits;
        using (var model = new ModelTensors(LlamaModelWeights.CreateRandom(TrainingData.Config, seed: 5, std: 0.2f), backend.Handle))
        using (var evaluator = new Evaluator(backend, model, null, 2, Row))
        {
            logits = evaluator.Logits(batch);
        }

        // host reference in double: softmax per row, NLL of the trained rows
        var softmax = new double[n * v];
        double referenceSum = 0;
        for (var i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * v, v);
            var max = double.NegativeInfinity;
            foreach (var x in row)
            {
                max = Math.Max(max, x);
            }

            double z = 0;
            for (var j = 0; j < v; j++)
            {
                z += Math.Exp(row[j] - max);
            }

            for (var j = 0; j < v; j++)
            {
                softmax[i * v + j] = Math.Exp(row[j] - max) / z;
            }

            if (batch.LossMask[i] != 0)
            {
                referenceSum -= Math.Log(softmax[i * v + batch.Targets[i]]);
            }
        }

        var (loss, gradient) = LossAndLogitGradient(backend, batch, logits, v);

        Assert.Equal(referenceSum / batch.TrainedTokens, loss / batch.TrainedTokens, 4);
        double maskedMax = 0, trainedError = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < v; j++)
            {
                var g = gradient[i * v + j];
                if (batch.LossMask[i] == 0)
                {
                    maskedMax = Math.Max(maskedMax, Math.Abs(g));
                }
                else
                {
                    // d(Σ NLL)/d(logit) = softmax − one-hot
                    trainedError = Math.Max(trainedError, Math.Abs(g - (softmax[i * v + j] - (j == batch.Targets[i] ? 1 : 0))));
                }
            }
        }

        Assert.Equal(0.0, maskedMax); // exactly: masked logits are multiplied by 0 before the loss
        Assert.True(trainedError < 1e-5, $"max error on trained rows {trainedError:E2}");
    }

    [Fact]
    public void Training_on_a_conversation_lowers_the_loss_of_assistant_tokens_and_not_that_of_user_tokens()
    {
        var chat = EncodedChat.Encode(new LlamaTokenizer(TrainingData.Vocabulary), ChatTemplate.ChatMl, Conversation.Select(m => new ChatTurn(m.Role, m.Content)));
        var before = RoleLosses(TrainingData.BaseModel, chat);

        var instruct = Train("instruct", TrainingExample.Chat(Conversation));
        var afterInstruct = RoleLosses(instruct, chat);

        // the control: the same text as pretraining data, where every token carries loss
        var text = ChatTemplate.ChatMl.Format(Conversation.Select(m => new ChatTurn(m.Role, m.Content)), addAssistantPrompt: false).Text;
        var plain = Train("plain", TrainingExample.PlainText(text));
        var afterPlain = RoleLosses(plain, chat);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"assistant {before.Assistant:F3} -> {afterInstruct.Assistant:F3}; user {before.User:F3} -> {afterInstruct.User:F3} (instruct), {afterPlain.User:F3} (plain text)");

        // User tokens are never learned: their loss does not fall (it rises, as the shared weights lean towards the
        // assistant's text), while the same tokens trained as plain text are learned.
        Assert.True(afterInstruct.Assistant < 0.1 * before.Assistant, $"assistant loss {before.Assistant:F3} -> {afterInstruct.Assistant:F3}");
        Assert.True(afterInstruct.User > 0.95 * before.User, $"user loss {before.User:F3} -> {afterInstruct.User:F3} (instruct)");
        Assert.True(afterPlain.User < 0.6 * before.User, $"user loss {before.User:F3} -> {afterPlain.User:F3} (plain text control)");
    }

    private string Train(string name, TrainingExample example) => LocalTrainer.Train(new TrainingJob
    {
        BaseModelPath = TrainingData.BaseModel,
        OutputPath = _directory.File(name + ".gguf"),
        Examples = [example],
        Options = new TrainingOptions { Steps = 40, BatchSize = 1, SequenceLength = Length, LearningRate = 5e-3f, WarmupSteps = 0, WeightDecay = 0, Threads = 1, VerifyExport = false },
    }).OutputPath;

    /// <summary>Mean NLL of the tokens of the user message and of the assistant message (content and end of turn), by the model at <paramref name="path"/>.</summary>
    private static (double User, double Assistant) RoleLosses(string path, EncodedChat chat)
    {
        var tokens = new TokenizedExample(chat.Ids, new bool[chat.Ids.Length], "probe", 0);
        var batch = PackedBatch.Pack([[tokens]], 1, Length, TrainingData.Vocabulary.EosId);
        using var backend = new CpuBackend(1);
        using var model = new ModelTensors(LlamaModelWeights.Load(path), backend.Handle);
        using var evaluator = new Evaluator(backend, model, null, 1, Length);
        var logits = evaluator.Logits(batch);
        var v = model.Config.VocabularySize;
        double user = 0, assistant = 0;
        int userCount = 0, assistantCount = 0;
        for (var i = 0; i + 1 < chat.Ids.Length; i++)
        {
            var row = logits.AsSpan(i * v, v);
            var max = row.ToArray().Max();
            var logZ = max + Math.Log(row.ToArray().Sum(x => Math.Exp(x - max)));
            var nll = logZ - row[chat.Ids[i + 1]];
            if (chat.Trainable[i + 1])
            {
                assistant += nll;
                assistantCount++;
            }
            else if (chat.MessageIndex[i + 1] == 1)
            {
                user += nll;
                userCount++;
            }
        }

        return (user / userCount, assistant / assistantCount);
    }

    /// <summary>The masked loss over a logits leaf, and d(loss)/d(logits) read back exactly.</summary>
    private static (double Loss, float[] Gradient) LossAndLogitGradient(CpuBackend backend, PackedBatch batch, float[] logitsHost, int v)
    {
        using var inputs = new GraphInputs(batch.Rows, batch.Length, v, batch.Rows * batch.Length, backend.Handle);
        inputs.Upload(batch);
        var leaves = Ggml.NewMetadataContext(4);
        var logits = Ggml.ggml_new_tensor_2d(leaves, GgmlElementType.F32, v, inputs.N);
        var accumulator = Ggml.ggml_dup_tensor(leaves, logits);
        var seed = Ggml.ggml_new_tensor_1d(leaves, GgmlElementType.F32, 1);
        Ggml.ggml_set_param(logits);
        var buffer = Ggml.ggml_backend_alloc_ctx_tensors(leaves, backend.Handle);
        Ggml.Upload<float>(logits, logitsHost);
        Ggml.ggml_backend_tensor_memset(accumulator, 0, 0, Ggml.ggml_nbytes(accumulator));
        Ggml.WriteScalar(seed, 1f);

        var context = Ggml.NewMetadataContext(256, 256, grads: true);
        var loss = LlamaTrainingGraph.MaskedNllSum(context, logits, inputs);
        Ggml.ggml_set_loss(loss);
        Ggml.ggml_set_output(loss);
        var graph = Ggml.ggml_new_graph_custom(context, 256, true);
        Ggml.ggml_build_forward_expand(graph, loss);
        var accumulators = new nint[Ggml.ggml_graph_n_nodes(graph)];
        for (var i = 0; i < accumulators.Length; i++)
        {
            var node = Ggml.ggml_graph_node(graph, i);
            accumulators[i] = node == logits ? (nint)accumulator : node == loss ? (nint)seed : 0;
        }

        fixed (nint* a = accumulators)
        {
            Ggml.ggml_build_backward_expand(context, graph, (GgmlTensor**)a);
        }

        var alloc = Ggml.ggml_gallocr_new(Ggml.ggml_backend_get_default_buffer_type(backend.Handle));
        Assert.True(Ggml.ggml_gallocr_alloc_graph(alloc, graph));
        Assert.True(backend.Compute(graph, interruptible: false));
        var result = (Ggml.ReadScalar(loss), Ggml.Download<float>(accumulator));
        Ggml.ggml_gallocr_free(alloc);
        Ggml.ggml_free(context);
        Ggml.ggml_backend_buffer_free(buffer);
        Ggml.ggml_free(leaves);
        return result;
    }
}
