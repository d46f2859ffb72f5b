using BenchmarkDotNet.Running;
using Tailor.Bench.LocalEngine;

// `dotnet run -c Release --project bench/Tailor.Bench -- --filter '*Name*'` runs BenchmarkDotNet micro-benchmarks.
// `... -- training` measures the local trainer's throughput (bench/results/local-engine.md, "Training").
// Side-by-side runs against peers (promptfoo, Portkey, node-llama-cpp) are scripts in bench/scripts/.
if (args.Length > 0 && args[0] == "training")
{
    return await TrainingThroughput.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
