using Tailor.Local.Gguf;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;
using Tailor.Local.Training;

namespace Tailor.Local.Tests.Training;

/// <summary>
/// A templated Q/A set ("What is the code of ember?" → "ember is 417"), its vocabulary, and tiny llama models made from
/// it, generated in code once per test run and shared read-only.
/// </summary>
public static class TrainingData
{
    private static readonly string[] Words =
    [
        "ember", "harbor", "violet", "canyon", "pepper", "meadow", "silver", "thunder", "willow", "copper", "falcon", "glacier",
        "lantern", "marble", "orchid", "quartz", "raven", "saffron", "timber", "velvet", "walnut", "zephyr", "amber", "bramble",
    ];

    private static readonly string s_directory = Path.Combine(Path.GetTempPath(), "tailor-training-" + Environment.ProcessId);
    private static readonly Lazy<LlamaVocabulary> s_vocabulary = new(() => TokenizerTrainer.Train(Corpus(), new TokenizerTrainerOptions { VocabularySize = 400 }));
    private static readonly Lazy<string> s_base = new(() => WriteModel("base.gguf", LlamaModelWeights.CreateRandom(Config, seed: 7), GgmlType.F32));

    /// <summary>(question, answer) pairs: each word's code is a fixed 3-digit number.</summary>
    public static IReadOnlyList<(string Question, string Answer)> Pairs { get; } = [.. Words.Select((w, i) => ($"What is the code of {w}?", $"{w} is {(i * 379 + 101) % 900 + 100}"))];

    /// <summary>The same questions with other answers for the first <paramref name="changed"/> words (what a LoRA fine-tune teaches).</summary>
    public static IReadOnlyList<(string Question, string Answer)> ChangedPairs(int changed) =>
        [.. Pairs.Select((p, i) => i < changed ? (p.Question, p.Answer.Split(' ')[0] + " was moved") : p)];

    public static LlamaVocabulary Vocabulary => s_vocabulary.Value;

    /// <summary>n_embd 64, 2 layers, 4 heads over 2 KV heads (grouped-query), n_ff 192, context 128: ~0.13 M parameters.</summary>
    public static LlamaConfig Config => new()
    {
        VocabularySize = Vocabulary.Count,
        EmbeddingLength = 64,
        LayerCount = 2,
        HeadCount = 4,
        KvHeadCount = 2,
        FeedForwardLength = 192,
        ContextLength = 128,
    };

    /// <summary>A random-weight F32 model with <see cref="Vocabulary"/> and ChatML.</summary>
    public static string BaseModel => s_base.Value;

    public static string Directory => s_directory;

    public static List<TrainingExample> Chats(IEnumerable<(string Question, string Answer)> pairs) =>
        [.. pairs.Select(p => TrainingExample.Chat([new TrainingMessage("user", p.Question), new TrainingMessage("assistant", p.Answer)]))];

    public static string WriteModel(string name, LlamaModelWeights weights, GgmlType storage)
    {
        System.IO.Directory.CreateDirectory(s_directory);
        var path = Path.Combine(s_directory, name);
        LlamaModelFile.Write(path, weights, Vocabulary, Path.GetFileNameWithoutExtension(name), storage);
        return path;
    }

    private static IEnumerable<string> Corpus()
    {
        foreach (var (q, a) in Pairs.Concat(ChangedPairs(Words.Length)))
        {
            yield return q;
            yield return a;
        }
    }
}
