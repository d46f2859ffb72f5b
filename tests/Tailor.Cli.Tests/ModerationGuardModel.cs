using Tailor.Local.Models;
using Tailor.Local.Testing;
using Tailor.Local.Tokenizer;

namespace Tailor.Cli.Tests;

/// <summary>
/// A tiny llama model, built by hand, whose greedy answer to any ChatML prompt is a Llama Guard verdict. Every block is
/// zero, so the next token depends only on the current one: a chain from the prompt's last token through the verdict's
/// tokens to end of turn (<see cref="ScriptedModel"/>). The verdict's two lines
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
        ScriptedModel.Write(path, vocabulary, config, verdict, "guard-tiny");
    }
}
