using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Tailor.Bench -- --filter '*Name*'` runs BenchmarkDotNet micro-benchmarks.
// Side-by-side runs against peers (promptfoo, Portkey, node-llama-cpp) are scripts in bench/scripts/.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
