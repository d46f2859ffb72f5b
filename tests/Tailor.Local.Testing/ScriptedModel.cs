using Tailor.Local.Models;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Testing;

/// <summary>
/// A hand-built llama model whose greedy output is known in advance. Every block's matrices are zero, so the
/// residual stream is just the token embedding and the next token depends only on the current one:
/// a chain c0 -> c1 -> ... -> end-of-turn, where c0 is the last token of the ChatML assistant prompt.
/// Chain token k embeds as sqrt(n_embd) * e_k (RMS norm leaves it unchanged) and output row c(k+1) is 4 * e_k,
/// so the right successor scores 4 * sqrt(n_embd) and every other token 0.
/// </summary>
public static class ScriptedModel
{
    /// <summary>
    /// Writes a model to <paramref name="path"/> that answers any ChatML prompt with <paramref name="answer"/>.
    /// <paramref name="config"/>'s vocabulary size must match <paramref name="vocabulary"/>; its blocks are left zero.
    /// </summary>
    public static void Write(string path, LlamaVocabulary vocabulary, LlamaConfig config, string answer, string name = "scripted-tiny")
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(config);
        var tokenizer = new LlamaTokenizer(vocabulary);
        var prompt = ChatTemplate.ChatMl.Format([new ChatTurn("user", "anything")]).Text;
        var start = tokenizer.Encode(prompt, parseSpecial: true)[^1];
        int[] chain = [start, .. tokenizer.Encode(answer, addSpecial: false), vocabulary.EndOfTurnId!.Value];
        if (chain.Distinct().Count() != chain.Length)
        {
            throw new InvalidOperationException($"The scripted answer must use distinct tokens, none equal to the prompt's last token: {string.Join(",", chain)}.");
        }
        if (chain.Length > config.EmbeddingLength)
        {
            throw new InvalidOperationException($"The answer needs {chain.Length} chain steps but n_embd is {config.EmbeddingLength}.");
        }

        var weights = LlamaModelWeights.CreateZero(config);
        var scale = MathF.Sqrt(config.EmbeddingLength);
        var embedding = weights[LlamaTensorNames.TokenEmbedding]; // [n_embd, n_vocab]
        var output = weights[LlamaTensorNames.Output];            // [n_embd, n_vocab]
        for (var k = 0; k + 1 < chain.Length; k++)
        {
            embedding.Row(chain[k])[k] = scale;
            output.Row(chain[k + 1])[k] = 4f;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        LlamaModelFile.Write(path, weights, vocabulary, name);
    }
}
