using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Local.Gguf;
using Tailor.Local.Inference;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;

namespace Tailor.Bench.LocalEngine;

/// <summary>
/// Inference throughput of <see cref="LocalChatClient"/>, the Tailor half of <c>bench/scripts/local-engine-inference.sh</c>
/// (the other half is node-llama-cpp on the same files, <c>local-engine-inference-peer.mjs</c>).
/// <list type="bullet">
/// <item><c>inference-models --out DIR [--presets 1m,4m,16m,100m]</c> writes the GGUFs (random weights, F32 and F16) and the
/// prompt: <c>prompt.txt</c> (the user message) and <c>prompt-tokens.json</c> (the ChatML prompt as token ids, what both
/// engines evaluate).</item>
/// <item><c>inference --model FILE --prompt DIR [--threads 1] [--tokens 128] [--ctx 512] [--runs 3]</c> loads the model,
/// streams one warm-up reply and <c>--runs</c> measured replies, and prints one JSON line.</item>
/// </list>
/// Every model's output rows for control, byte and unknown tokens are zero, so their logit is exactly 0 and greedy decoding
/// (temperature 0) never picks them over the largest of ~2000 random logits: generation always runs the full
/// <c>--tokens</c>, and every token is a text piece, so each token arrives as exactly one streamed update.
/// </summary>
public static class InferenceThroughput
{
    private static readonly Dictionary<string, (int Embd, int Layers, int Heads, int KvHeads, int Ff)> Presets = new()
    {
        // The training benchmark's shapes (bench/results/local-engine.md) with a 2048-piece vocabulary, and a GPT-2-small-sized one.
        ["1m"] = (128, 4, 4, 2, 384),
        ["4m"] = (256, 4, 8, 4, 768),
        ["16m"] = (384, 8, 6, 2, 1152),
        ["100m"] = (768, 12, 12, 4, 3072),
    };

    private const int VocabularySize = 2048;

    public static int WriteModels(string[] args)
    {
        var directory = Directory.CreateDirectory(Arg(args, "--out", "bench/.peers/local-engine/models")).FullName;
        var presets = Arg(args, "--presets", "1m,4m,16m,100m").Split(',');
        var vocabulary = TokenizerTrainer.Train(Corpus(seed: 1, lines: 4000), new TokenizerTrainerOptions { VocabularySize = VocabularySize });
        foreach (var preset in presets)
        {
            var (embd, layers, heads, kv, ff) = Presets[preset];
            var config = new LlamaConfig
            {
                VocabularySize = vocabulary.Count, EmbeddingLength = embd, LayerCount = layers, HeadCount = heads, KvHeadCount = kv,
                FeedForwardLength = ff, ContextLength = 2048,
            };
            var weights = LlamaModelWeights.CreateRandom(config, seed: 7);
            var output = weights[LlamaTensorNames.Output];
            for (var id = 0; id < vocabulary.Count; id++)
            {
                if (vocabulary.Types[id] != TokenType.Normal)
                {
                    output.Row(id).Clear();
                }
            }

            foreach (var (type, suffix) in new[] { (GgmlType.F32, "f32"), (GgmlType.F16, "f16") })
            {
                var path = Path.Combine(directory, $"{preset}-{suffix}.gguf");
                LlamaModelFile.Write(path, weights, vocabulary, $"bench-{preset}-{suffix}", type);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: {config.ParameterCount} parameters, {new FileInfo(path).Length} bytes, vocabulary {vocabulary.Count}"));
            }
        }

        // The prompt: one user message of ~250 tokens, formatted as LocalChatClient formats it (ChatML, BOS first).
        var text = string.Join(' ', Corpus(seed: 2, lines: 4));
        var formatted = ChatTemplate.ChatMl.Format([new ChatTurn("user", text)]).Text;
        using var model = LocalModel.Load(Path.Combine(directory, $"{presets[0]}-f32.gguf"));
        var tokens = model.Tokenize(formatted, addSpecial: true, parseSpecial: true);
        File.WriteAllText(Path.Combine(directory, "prompt.txt"), text);
        File.WriteAllText(Path.Combine(directory, "prompt-tokens.json"), JsonSerializer.Serialize(tokens));
        Console.WriteLine($"prompt: {text.Length} characters, {tokens.Length} tokens with the chat template");
        return 0;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var modelPath = Arg(args, "--model", "");
        var promptDirectory = Arg(args, "--prompt", Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        var threads = int.Parse(Arg(args, "--threads", "1"), CultureInfo.InvariantCulture);
        var tokens = int.Parse(Arg(args, "--tokens", "128"), CultureInfo.InvariantCulture);
        var contextSize = int.Parse(Arg(args, "--ctx", "512"), CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg(args, "--runs", "3"), CultureInfo.InvariantCulture);
        var text = File.ReadAllText(Path.Combine(promptDirectory, "prompt.txt"));
        var expectedPrompt = JsonSerializer.Deserialize<int[]>(File.ReadAllText(Path.Combine(promptDirectory, "prompt-tokens.json")))!.Length;

        var clock = Stopwatch.StartNew();
        var engine = Tailor.Local.LocalEngine.EnsureLoaded();
        var initMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var model = LocalModel.Load(modelPath);
        var loadMs = clock.Elapsed.TotalMilliseconds;
        using var client = new LocalChatClient(model, new LocalChatClientOptions { ContextSize = contextSize, Threads = threads, MaxConcurrentRequests = 1 });
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = tokens };
        ChatMessage[] messages = [new(ChatRole.User, text)];

        var raw = args.Contains("--raw");
        var promptIds = JsonSerializer.Deserialize<int[]>(File.ReadAllText(Path.Combine(promptDirectory, "prompt-tokens.json")))!;
        using var direct = raw ? new DirectLoop(modelPath, contextSize, threads) : null;
        var results = new List<Run>();
        string? reply = null;
        for (var run = 0; run <= runs; run++)
        {
            var measured = direct is null ? await MeasureAsync(client, messages, options) : direct.Measure(promptIds, tokens);
            if (measured.PromptTokens != expectedPrompt || measured.Generated != tokens || measured.Updates != tokens)
            {
                throw new InvalidOperationException(
                    $"Expected {expectedPrompt} prompt tokens and {tokens} generated tokens in {tokens} updates; got {measured.PromptTokens}, {measured.Generated}, {measured.Updates}.");
            }

            if (reply is not null && measured.Text != reply)
            {
                throw new InvalidOperationException("Greedy decoding gave two different replies.");
            }

            reply = measured.Text;
            if (run > 0)
            {
                results.Add(measured); // run 0 warms up: creates the context, JIT-compiles the loop
            }
        }

        var line = new Dictionary<string, object>
        {
            ["engine"] = raw ? "llama.cpp-direct" : "tailor",
            ["model"] = Path.GetFileName(modelPath),
            ["threads"] = threads,
            ["promptTokens"] = expectedPrompt,
            ["tokens"] = tokens,
            ["initMs"] = initMs,
            ["loadMs"] = loadMs,
            ["ttftMs"] = results.Select(r => r.TtftMs).ToArray(),
            ["ppTps"] = results.Select(r => r.PromptTokens / (r.TtftMs / 1000)).ToArray(),
            ["tgTps"] = results.Select(r => (r.Generated - 1) / (r.LastMs - r.TtftMs) * 1000).ToArray(),
            ["totalMs"] = results.Select(r => r.LastMs).ToArray(),
            ["build"] = $"ggml {engine.GgmlVersion} ({engine.GgmlCommit}, {engine.Location?.Variant})",
            ["replyStart"] = reply is null ? "" : reply[..Math.Min(40, reply.Length)],
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
        return 0;
    }

    private static async Task<Run> MeasureAsync(LocalChatClient client, ChatMessage[] messages, ChatOptions options)
    {
        var updates = 0;
        double first = 0, last = 0;
        UsageDetails? usage = null;
        var text = new System.Text.StringBuilder();
        var clock = Stopwatch.StartNew();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options))
        {
            var now = clock.Elapsed.TotalMilliseconds;
            if (update.Text.Length > 0)
            {
                updates++;
                text.Append(update.Text);
                if (updates == 1)
                {
                    first = now;
                }

                last = now;
            }

            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        return new Run((int)usage!.InputTokenCount!, (int)usage.OutputTokenCount!, updates, first, last, text.ToString());
    }

    /// <summary>
    /// The floor under LocalChatClient: the same natives and context parameters driven directly through LLamaSharp on the
    /// calling thread (decode, greedy sample, detokenize, no chat template, no decode thread, no streaming), so the
    /// difference to <see cref="LocalChatClient"/> is the client's own per-request and per-token cost.
    /// </summary>
    private sealed class DirectLoop : IDisposable
    {
        private readonly LLama.Native.SafeLlamaModelHandle _model;
        private readonly LLama.Native.SafeLLamaContextHandle _context;

        public DirectLoop(string path, int contextSize, int threads)
        {
            var modelParameters = LLama.Native.LLamaModelParams.Default();
            modelParameters.n_gpu_layers = 0;
            _model = LLama.Native.SafeLlamaModelHandle.LoadFromFile(Path.GetFullPath(path), modelParameters);
            var parameters = LLama.Native.LLamaContextParams.Default();
            parameters.n_ctx = (uint)contextSize;
            parameters.n_batch = parameters.n_ubatch = 512;
            parameters.n_seq_max = 1;
            parameters.n_threads = parameters.n_threads_batch = threads;
            parameters.no_perf = true;
            _context = _model.CreateContext(parameters);
        }

        public Run Measure(int[] prompt, int tokens)
        {
            using var sampler = LLama.Native.SafeLLamaSamplerChainHandle.Create(LLama.Native.LLamaSamplerChainParams.Default());
            sampler.AddGreedySampler();
            var batch = new LLama.Native.LLamaBatch();
            var bytes = new byte[256];
            var text = new System.Text.StringBuilder();
            var decoder = System.Text.Encoding.UTF8.GetDecoder();
            var chars = new char[256];
            double first = 0;
            var clock = Stopwatch.StartNew();
            _context.MemoryClear();
            for (var i = 0; i < prompt.Length; i++)
            {
                batch.Add(prompt[i], i, LLama.Native.LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            }

            Check(_context.Decode(batch));
            for (var i = 0; i < tokens; i++)
            {
                var token = sampler.Sample(_context, batch.TokenCount - 1);
                var length = (int)_model.TokenToSpan(token, bytes, special: false);
                text.Append(chars, 0, decoder.GetChars(bytes, 0, length, chars, 0, flush: false));
                if (i == 0)
                {
                    first = clock.Elapsed.TotalMilliseconds;
                }

                if (i + 1 < tokens)
                {
                    batch.Clear();
                    batch.Add(token, prompt.Length + i, LLama.Native.LLamaSeqId.Zero, logits: true);
                    Check(_context.Decode(batch));
                }
            }

            return new Run(prompt.Length, tokens, tokens, first, clock.Elapsed.TotalMilliseconds, text.ToString());
        }

        private static void Check(LLama.Native.DecodeResult result)
        {
            if (result != LLama.Native.DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode failed ({result}).");
            }
        }

        public void Dispose()
        {
            _context.Dispose();
            _model.Dispose();
        }
    }

    private sealed record Run(int PromptTokens, int Generated, int Updates, double TtftMs, double LastMs, string Text);

    /// <summary>Deterministic pseudo-English from syllables: words repeat often enough for the tokenizer to learn pieces.</summary>
    private static List<string> Corpus(int seed, int lines)
    {
        string[] onsets = ["", "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "ch", "sh"];
        string[] vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai"];
        string[] codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "ng"];
        var random = new Random(seed);
        var words = Enumerable.Range(0, 3000).Select(_ =>
        {
            var syllables = 1 + random.Next(3);
            return string.Concat(Enumerable.Range(0, syllables).Select(_ => onsets[random.Next(onsets.Length)] + vowels[random.Next(vowels.Length)] + codas[random.Next(codas.Length)]));
        }).ToArray();
        return Enumerable.Range(0, lines).Select(_ =>
        {
            var count = 8 + random.Next(16);
            // Zipf-like: low indices far more often, so frequent words become single pieces.
            var line = string.Join(' ', Enumerable.Range(0, count).Select(_ => words[(int)(words.Length * Math.Pow(random.NextDouble(), 3))]));
            return char.ToUpperInvariant(line[0]) + line[1..] + ".";
        }).ToList();
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
