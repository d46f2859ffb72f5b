using Tailor.Local.Models;
using Tailor.Local.Tokenizer;

namespace Tailor.Cli.Tests;

/// <summary>
/// A tiny llama model, built by hand, whose greedy answer to any ChatML prompt is a Llama Guard verdict. Every block is
/// zero, so the next token depends only on the current one: a chain from the prompt's last token through the verdict's
/// tokens to end of turn (the same construction as the local engine's scripted test model). The verdict's two lines
/// are separated by a blank line, because the prompt already ends in a single newline token.
/// </summary>
internal static class ModerationGuardModel
{
    public static void Write(string path, string verdict)
    {
        var corpus = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            corpus.Add($"safe\n\nunsafe\n\nS{i % 14 + 1}\n\nthe guard model answers {i}");
            corpus.Add(ChatTemplate.ChatMl.Format([new ChatTurn("user", $"question {i}"), new ChatTurn("assistant", "unsafe\n\nS9")], addAssistantPrompt: false).Text);
        }
        var vocabulary = TokenizerTrainer.Train(corpus, new TokenizerTrainerOptions { VocabularySize = 300 });
        var tokenizer = new LlamaTokenizer(vocabulary);
        int start = tokenizer.Encode(ChatTemplate.ChatMl.Format([new ChatTurn("user", "anything")]).Text, parseSpecial: true)[^1];
        int[] chain = [start, .. tokenizer.Encode(verdict, addSpecial: false), vocabulary.EndOfTurnId!.Value];
        if (chain.Distinct().Count() != chain.Length)
        {
            throw new InvalidOperationException($"the verdict's tokens must be distinct: {string.Join(",", chain)}");
        }

        var config = new LlamaConfig
        {
            VocabularySize = vocabulary.Count,
            EmbeddingLength = 64,
            LayerCount = 1,
            HeadCount = 4,
            KvHeadCount = 2,
            FeedForwardLength = 192,
            ContextLength = 2048,
        };
        var weights = LlamaModelWeights.CreateZero(config);
        float scale = MathF.Sqrt(config.EmbeddingLength);
        var embedding = weights[LlamaTensorNames.TokenEmbedding];
        var output = weights[LlamaTensorNames.Output];
        for (int k = 0; k + 1 < chain.Length; k++)
        {
            embedding.Row(chain[k])[k] = scale;
            output.Row(chain[k + 1])[k] = 4f;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        LlamaModelFile.Write(path, weights, vocabulary, "guard-tiny");
    }
}
