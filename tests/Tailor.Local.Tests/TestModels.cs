using Tailor.Local.Testing;
using Tailor.Local.Gguf;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Tests;

/// <summary>Tiny models generated once per test run (seconds on 2 cores), shared read-only by the tests.</summary>
public static class TestModels
{
    private static readonly string s_directory = Path.Combine(Path.GetTempPath(), "tailor-local-models-" + Environment.ProcessId);
    private static readonly Lazy<LlamaVocabulary> s_vocabulary = new(() => TokenizerTrainer.Train(TestCorpus.Documents, new TokenizerTrainerOptions { VocabularySize = 640 }));
    private static readonly Lazy<string> s_random = new(() => Write("random-tiny.gguf", LlamaModelWeights.CreateRandom(TinyConfig, seed: 1234), "random-tiny", GgmlType.F32));
    private static readonly Lazy<string> s_randomF16 = new(() => Write("random-tiny-f16.gguf", LlamaModelWeights.CreateRandom(TinyConfig, seed: 1234), "random-tiny-f16", GgmlType.F16));
    private static readonly Lazy<(string Path, string Answer)> s_scripted = new(() => WriteScripted(Path.Combine(s_directory, "scripted.gguf"), ScriptedAnswer));

    public static LlamaVocabulary Vocabulary => s_vocabulary.Value;

    public static LlamaTokenizer Tokenizer { get; } = new(s_vocabulary.Value);

    public static LlamaConfig TinyConfig => new()
    {
        VocabularySize = Vocabulary.Count,
        EmbeddingLength = 64,
        LayerCount = 2,
        HeadCount = 4,
        KvHeadCount = 2,
        FeedForwardLength = 192,
        ContextLength = 512,
    };

    /// <summary>A random-weight model (n_embd 64, 2 layers, grouped-query attention), F32.</summary>
    public static string RandomModel => s_random.Value;

    public static string RandomModelF16 => s_randomF16.Value;

    /// <summary>A hand-built model whose greedy reply to any ChatML prompt is <see cref="ScriptedAnswer"/> then end of turn.</summary>
    public static string ScriptedModelPath => s_scripted.Value.Path;

    private static string Write(string name, LlamaModelWeights weights, string modelName, GgmlType storage)
    {
        Directory.CreateDirectory(s_directory);
        var path = Path.Combine(s_directory, name);
        LlamaModelFile.Write(path, weights, Vocabulary, modelName, storage);
        return path;
    }

    /// <summary>The greedy answer of <see cref="ScriptedModelPath"/>.</summary>
    public const string ScriptedAnswer = "The tailor sews a shirt.";

    /// <summary>A one-block scripted model over the shared vocabulary that answers <paramref name="answer"/>.</summary>
    public static (string Path, string Answer) WriteScripted(string path, string answer)
    {
        ScriptedModel.Write(path, Vocabulary, TinyConfig with { LayerCount = 1 }, answer);
        return (path, answer);
    }
}
