using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Tailor.Bench -- --filter '*Name*'` runs BenchmarkDotNet micro-benchmarks.
// Side-by-side runs against peers (promptfoo, Portkey, node-llama-cpp) are scripts in bench/scripts/.
if (args.Length > 0 && args[0].StartsWith("data-", StringComparison.Ordinal))
{
    return Tailor.Bench.Data.DataScaleRun.Run(args);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
