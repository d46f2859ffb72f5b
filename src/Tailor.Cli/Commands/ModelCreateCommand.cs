using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Local.Gguf;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor model create out.gguf --corpus ...</c>: a tiny llama-architecture model: a vocabulary trained on the
/// corpus and seeded random weights, written as a GGUF that llama.cpp loads. Training it is <c>tailor model pretrain</c>.
/// </summary>
internal static class ModelCreateCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = new Argument<string>("output") { Description = "The GGUF file to write" };
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Text to learn the vocabulary from: .txt files, or .jsonl with \"text\" or \"messages\" per line (repeatable)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size", DefaultValueFactory = _ => 2048 };
        var embd = new Option<int>("--embd") { Description = "Embedding width (n_embd)", DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks (n_layer)", DefaultValueFactory = _ => 4 };
        var heads = new Option<int>("--heads") { Description = "Attention heads (n_head)", DefaultValueFactory = _ => 4 };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "Key/value heads for grouped-query attention (default: --heads)" };
        var ff = new Option<int?>("--ff") { Description = "Feed-forward width (default: 3 x --embd)" };
        var context = new Option<int>("--context") { Description = "Context length", DefaultValueFactory = _ => 256 };
        var ropeBase = new Option<float>("--rope-base") { Description = "RoPE frequency base", DefaultValueFactory = _ => 10000f };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights", DefaultValueFactory = _ => 1 };
        var f16 = new Option<bool>("--f16") { Description = "Store weights as F16 instead of F32" };
        var name = new Option<string?>("--name") { Description = "Model name (general.name; default: the file name)" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file" };

        var command = new Command("create", "Create a tiny llama model: a vocabulary from a corpus and seeded random weights");
        command.Arguments.Add(output);
        foreach (var option in new Option[] { corpus, vocab, embd, layers, heads, kvHeads, ff, context, ropeBase, seed, f16, name, force })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) =>
        {
            int e = parse.GetValue(embd);
            var config = new LlamaConfig
            {
                VocabularySize = parse.GetValue(vocab),
                EmbeddingLength = e,
                LayerCount = parse.GetValue(layers),
                HeadCount = parse.GetValue(heads),
                KvHeadCount = parse.GetValue(kvHeads) ?? parse.GetValue(heads),
                FeedForwardLength = parse.GetValue(ff) ?? 3 * e,
                ContextLength = parse.GetValue(context),
                RopeFreqBase = parse.GetValue(ropeBase),
            };
            return Task.FromResult(Run(env, parse.GetValue(output)!, parse.GetValue(corpus)!, config, parse.GetValue(seed),
                parse.GetValue(f16), parse.GetValue(name), parse.GetValue(force), ct));
        });
        return command;
    }

    private static int Run(CliEnvironment env, string output, string[] corpusFiles, LlamaConfig requested, int seed, bool f16, string? name, bool force, CancellationToken ct)
    {
        string path = Path.GetFullPath(Path.Combine(env.WorkingDirectory, output));
        if (File.Exists(path) && !force)
        {
            throw new CliException($"{output} already exists", "pass --force to overwrite it");
        }
        var texts = CorpusReader.Read(corpusFiles.Select(f => Path.GetFullPath(Path.Combine(env.WorkingDirectory, f))), env).ToList();
        if (texts.Count == 0)
        {
            throw new CliException("the corpus is empty", "give --corpus a .txt file or a .jsonl with \"text\" or \"messages\"");
        }

        var vocabulary = TokenizerTrainer.Train(texts, new TokenizerTrainerOptions { VocabularySize = requested.VocabularySize }, ct);
        // The trainer stops early when the corpus has fewer distinct pieces than asked for.
        var config = requested with { VocabularySize = vocabulary.Count };
        try
        {
            config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"invalid model shape: {ex.Message}");
        }
        var weights = LlamaModelWeights.CreateRandom(config, seed);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        LlamaModelFile.Write(path, weights, vocabulary, name ?? Path.GetFileNameWithoutExtension(path), f16 ? GgmlType.F16 : GgmlType.F32);

        env.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[green]created[/] {Markup.Escape(output)}: {ModelInfoCommand.FormatCount(config.ParameterCount)} parameters, {vocabulary.Count} tokens, n_embd {config.EmbeddingLength}, {config.LayerCount} layers, {config.HeadCount} heads ({config.KvHeadCount} kv), context {config.ContextLength}"));
        env.Out.MarkupLine("[grey]its weights are random: train it before expecting answers[/]");
        return ExitCodes.Ok;
    }
}

/// <summary>Reads training text for the tokenizer from .txt and .jsonl files, reporting unreadable lines instead of failing on them.</summary>
internal static class CorpusReader
{
    public static IEnumerable<string> Read(IEnumerable<string> files, CliEnvironment env)
    {
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new CliException($"no corpus file at {file}");
            }
            if (!file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                yield return File.ReadAllText(file);
                continue;
            }
            int lineNumber = 0;
            foreach (string line in File.ReadLines(file))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                List<string> parts;
                try
                {
                    parts = TextsOf(line);
                }
                catch (JsonException ex)
                {
                    env.Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape($"{Path.GetFileName(file)}:{lineNumber}: skipped, not JSON ({ex.Message})")}");
                    continue;
                }
                foreach (string part in parts)
                {
                    yield return part;
                }
            }
        }
    }

    private static List<string> TextsOf(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var texts = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return texts;
        }
        if (root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            texts.Add(text.GetString()!);
        }
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    texts.Add(content.GetString()!);
                }
            }
        }
        return texts;
    }
}
