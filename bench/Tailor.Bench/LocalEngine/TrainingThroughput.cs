using System.Diagnostics;
using System.Globalization;
using Tailor.Local.Gguf;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;
using Tailor.Local.Training;

namespace Tailor.Bench.LocalEngine;

/// <summary>
/// Training throughput of the local trainer for ~1M/4M/16M-parameter llama configs, full fine-tune and LoRA, 1 and 2
/// threads, next to the machine's FP32 peak. Each configuration is a real <see cref="LocalTrainer"/> run in its own worker
/// process (what the CLI does); tokens/s is the run's own moving-window figure at its last step, GFLOP/s = 6 · N · tokens/s.
/// Run: <c>dotnet run -c Release --project bench/Tailor.Bench -- training [--steps 24] [--presets 1m,4m,16m] [--modes full,lora]
/// [--threads 1,2,auto]</c>; <c>auto</c> lets the trainer measure and pick the thread count.
/// </summary>
public static class TrainingThroughput
{
    private static readonly Dictionary<string, (int Embd, int Layers, int Heads, int KvHeads, int Ff)> Presets = new()
    {
        ["1m"] = (128, 4, 4, 2, 384),
        ["4m"] = (256, 4, 8, 4, 768),
        ["16m"] = (384, 8, 6, 2, 1152),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var steps = int.Parse(Arg(args, "--steps", "24"), CultureInfo.InvariantCulture);
        var presets = Arg(args, "--presets", "1m,4m,16m").Split(',');
        var modes = Arg(args, "--modes", "full,lora").Split(',');
        var threadCounts = Arg(args, "--threads", "1,2").Split(',');
        var directory = Directory.CreateTempSubdirectory("tailor-bench-train-").FullName;
        var info = Tailor.Local.LocalEngine.EnsureLoaded();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {info.SystemInfo}; natives {info.GgmlVersion} ({info.GgmlCommit}, {info.Location.Variant})");
        Console.WriteLine($"B x T = 4 x 128, {steps} steps, vocabulary 261 (bytes + specials)");
        Console.WriteLine("| preset | params | mode | threads | tokens/s | GFLOP/s (6NT) | ms/step |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var vocabulary = TokenizerTrainer.Train(["bench"], new TokenizerTrainerOptions { VocabularySize = 261 });
        var examples = Enumerable.Range(0, 400)
            .Select(i => TrainingExample.PlainText(string.Create(CultureInfo.InvariantCulture, $"Line {i}: the tailor measures {i * 7 % 13} seams and {i * 11 % 17} buttons, then writes the number {i * 31 % 997}.")))
            .ToList();
        foreach (var preset in presets)
        {
            var (embd, layers, heads, kv, ff) = Presets[preset];
            var config = new LlamaConfig { VocabularySize = vocabulary.Count, EmbeddingLength = embd, LayerCount = layers, HeadCount = heads, KvHeadCount = kv, FeedForwardLength = ff, ContextLength = 128 };
            var basePath = Path.Combine(directory, preset + ".gguf");
            LlamaModelFile.Write(basePath, LlamaModelWeights.CreateRandom(config, 1), vocabulary, preset, GgmlType.F32);
            foreach (var lora in modes.Select(m => m == "lora"))
            {
                foreach (var threadText in threadCounts)
                {
                    int? threads = threadText == "auto" ? null : int.Parse(threadText, CultureInfo.InvariantCulture);
                    var options = new TrainingOptions
                    {
                        Steps = steps, BatchSize = 4, SequenceLength = 128, LearningRate = 1e-3f, Threads = threads, VerifyExport = false,
                        Lora = lora ? new LoraOptions { Rank = 8 } : null,
                    };
                    TrainingStepCompleted? last = null;
                    var clock = Stopwatch.StartNew();
                    await new Tailor.Local.Training.Worker.TrainingWorkerClient(WorkerPath()).RunAsync(
                        new TrainingJob { BaseModelPath = basePath, OutputPath = Path.Combine(directory, $"{preset}-{lora}-{threadText}.gguf"), Examples = examples, Options = options },
                        new Reporter(e => last = e as TrainingStepCompleted ?? last));
                    var tps = last!.TokensPerSecond;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {preset} | {config.ParameterCount / 1e6:F2}M | {(lora ? "lora r8" : "full")} | {threadText} (last step: {last.Threads}) | {tps:F0} | {6.0 * config.ParameterCount * tps / 1e9:F1} | {4 * 128 * 1000 / tps:F0} |"));
                }
            }
        }

        Directory.Delete(directory, recursive: true);
        return 0;
    }

    private static string WorkerPath() => Path.Combine(AppContext.BaseDirectory, "Tailor.Local.Worker.dll");

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed class Reporter(Action<TrainingEvent> report) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => report(value);
    }
}
