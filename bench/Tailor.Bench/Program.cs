using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Tailor.Bench -- --filter '*Name*'` runs BenchmarkDotNet micro-benchmarks.
// Side-by-side runs against peers (promptfoo, Portkey, node-llama-cpp) are scripts in bench/scripts/.
// `-- moderation-latency` measures per-message p50/p99 of the moderation layer (bench/results/moderation.md).
if (args is ["moderation-latency", ..])
{
    Tailor.Bench.Moderation.ModerationLatency.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
