using LLama.Native;
using Tailor.Local.Gguf;
using Tailor.Local.Models;

namespace Tailor.Local.Tests.Models;

public class LlamaModelTests
{
    [Fact]
    public void Parameter_count_matches_llama_cpp()
    {
        LocalEngine.EnsureLoaded();
        var parameters = LLamaModelParams.Default();
        using var model = SafeLlamaModelHandle.LoadFromFile(TestModels.RandomModel, parameters);

        Assert.Equal((long)model.ParameterCount, TestModels.TinyConfig.ParameterCount);
        Assert.Equal(TestModels.TinyConfig.EmbeddingLength, model.EmbeddingSize);
        Assert.Equal(TestModels.TinyConfig.LayerCount, model.LayerCount);
        Assert.Equal(TestModels.TinyConfig.HeadCount, model.HeadCount);
        Assert.Equal(TestModels.TinyConfig.KvHeadCount, model.KVHeadCount);
        Assert.Equal(TestModels.TinyConfig.ContextLength, model.ContextSize);
    }

    [Fact]
    public void Parameter_count_follows_the_shapes()
    {
        var c = new LlamaConfig { VocabularySize = 1000, EmbeddingLength = 128, LayerCount = 4, HeadCount = 8, KvHeadCount = 2, FeedForwardLength = 384 };
        long embd = 128, kv = 2 * 16, ff = 384;
        var perLayer = embd + embd * embd + 2 * embd * kv + embd * embd + embd + 3 * embd * ff;

        Assert.Equal(2 * 1000 * embd + embd + 4 * perLayer, c.ParameterCount);
    }

    [Fact]
    public void Random_initialisation_is_seeded_and_scaled()
    {
        var config = TestModels.TinyConfig;
        var a = LlamaModelWeights.CreateRandom(config, seed: 3);
        var b = LlamaModelWeights.CreateRandom(config, seed: 3);
        var c = LlamaModelWeights.CreateRandom(config, seed: 4);

        Assert.Equal(a[LlamaTensorNames.Output].Data, b[LlamaTensorNames.Output].Data);
        Assert.NotEqual(a[LlamaTensorNames.Output].Data, c[LlamaTensorNames.Output].Data);
        Assert.All(a[LlamaTensorNames.Block(1, LlamaTensorNames.FeedForwardNorm)].Data, x => Assert.Equal(1f, x));
        Assert.Equal(0.02, Std(a[LlamaTensorNames.TokenEmbedding].Data), 3);
        Assert.Equal(0.02 / Math.Sqrt(2 * config.LayerCount), Std(a[LlamaTensorNames.Block(0, LlamaTensorNames.AttentionOutput)].Data), 3);
        Assert.Equal(0.02 / Math.Sqrt(2 * config.LayerCount), Std(a[LlamaTensorNames.Block(0, LlamaTensorNames.FeedForwardDown)].Data), 3);

        static double Std(float[] values)
        {
            var mean = values.Average(v => (double)v);
            return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        }
    }

    [Fact]
    public void Weights_round_trip_through_a_gguf_file()
    {
        var original = LlamaModelWeights.CreateRandom(TestModels.TinyConfig, seed: 1234);

        var f32 = LlamaModelWeights.Load(TestModels.RandomModel);
        var f16 = LlamaModelWeights.Load(TestModels.RandomModelF16);

        Assert.Equal(original.Config, f32.Config);
        foreach (var tensor in original.Tensors)
        {
            Assert.Equal(tensor.Data, f32[tensor.Name].Data);
            Assert.Equal(tensor.Data.Select(x => (float)(Half)x), f16[tensor.Name].Data);
        }
    }

    [Fact]
    public void Invalid_configs_are_explained()
    {
        var error = Assert.Throws<ArgumentException>(() => new LlamaConfig { VocabularySize = 10, EmbeddingLength = 60, HeadCount = 8 }.Validate());
        Assert.Contains("8 heads", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LlamaConfig { VocabularySize = 10, HeadCount = 4, KvHeadCount = 3 }.Validate());
    }

    [Fact]
    public void A_vocabulary_of_another_size_is_refused()
    {
        var weights = LlamaModelWeights.CreateZero(TestModels.TinyConfig with { VocabularySize = 300 });

        Assert.Throws<ArgumentException>(() => LlamaModelFile.CreateWriter(weights, TestModels.Vocabulary, "x"));
    }

    [Fact]
    public void Model_info_describes_our_file()
    {
        var info = ModelInfo.Read(TestModels.RandomModel);
        var config = TestModels.TinyConfig;

        Assert.Equal("llama", info.Architecture);
        Assert.Equal("random-tiny", info.Name);
        Assert.Equal("model", info.Kind);
        Assert.Equal(config.ParameterCount, info.ParameterCount);
        Assert.Equal(config.ParameterCount * 4, info.TensorBytes);
        Assert.Equal(new FileInfo(TestModels.RandomModel).Length, info.FileSize);
        Assert.Equal(config.ContextLength, info.ContextLength);
        Assert.Equal(config.EmbeddingLength, info.EmbeddingLength);
        Assert.Equal(config.LayerCount, info.BlockCount);
        Assert.Equal(config.HeadCount, info.HeadCount);
        Assert.Equal(config.KvHeadCount, info.HeadCountKv);
        Assert.Equal(config.FeedForwardLength, info.FeedForwardLength);
        Assert.Equal("llama", info.TokenizerModel);
        Assert.Equal(TestModels.Vocabulary.Count, info.VocabularySize);
        Assert.Contains(new SpecialToken("bos", 1, "<s>"), info.SpecialTokens);
        Assert.Contains(new SpecialToken("eot", TestModels.Vocabulary.EndOfTurnId!.Value, "<|im_end|>"), info.SpecialTokens);
        Assert.Equal(Tailor.Local.Tokenizer.ChatTemplate.ChatMl.Jinja, info.ChatTemplate);
        Assert.Equal(new Dictionary<string, int> { ["f32"] = config.TensorShapes().Count }, info.TensorTypes);
    }

    [Fact]
    public void Llama_cpp_saves_our_model_back_with_the_same_metadata_and_tensors()
    {
        using var dir = new TempDirectory();
        LocalEngine.EnsureLoaded();
        var parameters = LLamaModelParams.Default();
        parameters.load_mode = LLamaLoadMode.None;
        using (var model = SafeLlamaModelHandle.LoadFromFile(TestModels.RandomModelF16, parameters))
        {
            model.SaveToFile(dir.File("saved.gguf"));
        }

        using var ours = GgufFile.Open(TestModels.RandomModelF16);
        using var theirs = GgufFile.Open(dir.File("saved.gguf"));

        // llama.cpp's saver writes every hyperparameter it knows (about 130 keys, read here without error)
        // but drops general.file_type and, notably, the chat template: keep the original file, not a re-save.
        var dropped = ours.Metadata.Keys.Where(k => !theirs.Metadata.ContainsKey(k)).Order().ToList();
        Assert.Equal([GgufKeys.FileType, GgufKeys.ChatTemplate], dropped);
        Assert.True(theirs.Metadata.Count > 100);
        foreach (var (key, value) in ours.Metadata.Where(p => !dropped.Contains(p.Key)))
        {
            Assert.Equal(value, theirs.Metadata[key]);
        }

        Assert.Equal(ours.Tensors.Select(t => t.Name).Order(), theirs.Tensors.Select(t => t.Name).Order());
        foreach (var tensor in ours.Tensors)
        {
            var saved = theirs.FindTensor(tensor.Name)!;
            Assert.Equal(tensor.Shape, saved.Shape);
            Assert.Equal(tensor.Type, saved.Type);
            Assert.Equal(ours.ReadTensorAsSingle(tensor), theirs.ReadTensorAsSingle(saved));
        }

        var info = ModelInfo.Read(dir.File("saved.gguf"));
        var shapes = TestModels.TinyConfig.TensorShapes();
        Assert.Equal(new Dictionary<string, int> { ["f16"] = shapes.Count(t => t.Shape.Length == 2), ["f32"] = shapes.Count(t => t.Shape.Length == 1) }, info.TensorTypes);
    }
}
