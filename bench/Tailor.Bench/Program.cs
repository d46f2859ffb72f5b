using BenchmarkDotNet.Running;
using Tailor.Bench.Evals;
using Tailor.Bench.LocalEngine;

// `dotnet run -c Release --project bench/Tailor.Bench -- --filter '*Name*'` runs BenchmarkDotNet micro-benchmarks.
// Side-by-side runs against peers (promptfoo, Portkey, node-llama-cpp) are scripts in bench/scripts/;
// `-- mock-openai <latency-ms>` hosts the loopback OpenAI-compatible mock they share.
if (args.Length > 0 && args[0] == "mock-openai")
{
    return await MockOpenAIHost.RunAsync(args);
}

// `-- moderation-latency` measures per-message p50/p99 of the moderation layer (bench/results/moderation.md).
if (args is ["moderation-latency", ..])
{
    Tailor.Bench.Moderation.ModerationLatency.Run(args);
    return 0;
}

// `-- data-*` runs the dataset scale measurements (bench/results/data.md).
if (args.Length > 0 && args[0].StartsWith("data-", StringComparison.Ordinal))
{
    return Tailor.Bench.Data.DataScaleRun.Run(args);
}

// `-- training` measures the local trainer's throughput (bench/results/local-engine.md).
if (args.Length > 0 && args[0] == "training")
{
    return await TrainingThroughput.RunAsync(args[1..]);
}

// `-- inference-models` / `-- inference` measure LocalChatClient beside node-llama-cpp (bench/scripts/local-engine-inference.sh).
if (args is ["inference-models", ..])
{
    return InferenceThroughput.WriteModels(args[1..]);
}

if (args is ["inference", ..])
{
    return await InferenceThroughput.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
