using BenchmarkDotNet.Running;
using Tailor.Bench.Evals;

// `dotnet run -c Release --project bench/Tailor.Bench -- --filter '*Name*'` runs BenchmarkDotNet micro-benchmarks.
// Side-by-side runs against peers (promptfoo, Portkey, node-llama-cpp) are scripts in bench/scripts/;
// `-- mock-openai <latency-ms>` hosts the loopback OpenAI-compatible mock they share.
if (args.Length > 0 && args[0] == "mock-openai")
{
    return await MockOpenAIHost.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
