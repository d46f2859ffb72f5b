using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tailor.Data.Dedup;
using Tailor.Data.Validation;

namespace Tailor.Bench.Data;

/// <summary>
/// Side-by-side runs too large for BenchmarkDotNet's repetitions, printed as Markdown:
/// <c>data-scale N</c> near-duplicate dedup of N generated examples on 1 and 2 threads (docs/s per core,
/// wall time, peak memory) plus validation MB/s against the Utf8JsonReader floor on the same file;
/// <c>data-quality</c> precision and recall per Jaccard level on planted pairs.
/// </summary>
public static class DataScaleRun
{
    public static int Run(string[] args)
    {
        string mode = args[0];
        if (mode == "data-quality")
        {
            Quality();
            return 0;
        }
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        string path = Path.Combine(Path.GetTempPath(), $"tailor-bench-dups-{count}.jsonl");
        if (!File.Exists(path))
        {
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
            foreach (string line in SyntheticChats.Lines(count, duplicates: true))
            {
                writer.Write(line);
                writer.Write('\n');
            }
        }
        long bytes = new FileInfo(path).Length;
        Console.WriteLine($"file: {count:N0} examples (1 in 20 an exact repeat, 1 in 20 a repeat with one word added), {bytes / 1e6:0.0} MB ({path})");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation()}");
        Console.WriteLine();

        // Warm up the JIT on a small slice so tiering does not bias the first timed pass.
        using (var warm = new MemoryStream(SyntheticChats.File(20_000)))
        {
            Deduplicator.Plan(warm, new DedupOptions { MaxDegreeOfParallelism = 2 });
        }
        Floor(path, bytes);
        Validate(path, bytes);
        Validate(path, bytes);
        Floor(path, bytes);

        Console.WriteLine();
        Console.WriteLine("| threads | wall s | of which fingerprint / cluster s | docs/s (wall) | CPU s | docs per CPU-second (per core) | removed (exact + near) | signature MB | peak working set MB |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int threads in new[] { 1, 2 })
        {
            GC.Collect();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            DedupPlan plan;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
            {
                plan = Deduplicator.Plan(stream, new DedupOptions { MaxDegreeOfParallelism = threads });
            }
            double seconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {threads} | {seconds:0.0} | {plan.FingerprintTime.TotalSeconds:0.0} / {plan.ClusterTime.TotalSeconds:0.0} | {count / seconds:N0} | {cpu:0.0} | {count / cpu:N0} | {plan.ExactRemoved} + {plan.NearRemoved} | {plan.SignatureBytes / 1e6:0} | {process.PeakWorkingSet64 / 1e6:0} |"));
        }
        return 0;
    }

    private static void Floor(string path, long bytes)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long tokens = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            var reader = new Tailor.Data.Formats.JsonlLineReader(stream);
            while (reader.TryRead(out var line))
            {
                var json = new Utf8JsonReader(line.Content);
                while (json.Read())
                {
                    tokens++;
                }
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor (line split + Utf8JsonReader token walk, 1 thread): {bytes / 1e6 / watch.Elapsed.TotalSeconds:0} MB/s wall, {bytes / 1e6 / CpuSince(cpu):0} MB per CPU-second ({tokens:N0} tokens)"));
    }

    private static void Validate(string path, long bytes)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long valid = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            foreach (var verdict in new DatasetValidator().Validate(stream))
            {
                valid += verdict.IsValid ? 1 : 0;
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tailor validate (every rule, 1 thread): {bytes / 1e6 / watch.Elapsed.TotalSeconds:0} MB/s wall, {bytes / 1e6 / CpuSince(cpu):0} MB per CPU-second ({valid:N0} valid)"));
    }

    private static double CpuSince(TimeSpan before) => (Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds;

    private static string RuntimeInformation() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}";

    /// <summary>Planted pairs at known Jaccard (over 5-word shingles) among unrelated examples; default settings.</summary>
    private static void Quality()
    {
        var random = new Random(11);
        var vocabulary = Enumerable.Range(0, 20_000).Select(i => $"w{i}x{random.Next(1000)}").ToArray();
        var lines = new List<string>();
        var pairs = new List<(int Variant, int Base, double J)>();
        string[] Doc() => Enumerable.Range(0, 120).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
        static HashSet<string> Shingles(string[] w) => Enumerable.Range(0, w.Length - 4).Select(i => string.Join(' ', w, i, 5)).ToHashSet();
        string Line(string[] w) => JsonSerializer.Serialize(new { messages = new object[] { new { role = "user", content = string.Join(' ', w[..40]) }, new { role = "assistant", content = string.Join(' ', w[40..]) } } });
        for (double target = 0.30; target <= 0.991; target += 0.02)
        {
            for (int p = 0; p < 200; p++)
            {
                var a = Doc();
                var b = (string[])a.Clone();
                var sa = Shingles(a);
                double j = 1;
                while (j > target)
                {
                    b[random.Next(b.Length)] = vocabulary[random.Next(vocabulary.Length)];
                    var sb = Shingles(b);
                    j = (double)sa.Count(sb.Contains) / sa.Union(sb).Count();
                }
                lines.Add(Line(a));
                lines.Add(Line(b));
                pairs.Add((lines.Count, lines.Count - 1, j));
            }
        }
        for (int i = 0; i < 5_000; i++)
        {
            lines.Add(Line(Doc()));
        }
        var plan = Deduplicator.Plan(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
        var removedFrom = plan.Clusters.SelectMany(c => c.Removed.Select(r => (r.Line, c.KeptLine))).ToDictionary(x => x.Line, x => x.KeptLine);
        bool Flagged((int Variant, int Base, double J) p) => removedFrom.TryGetValue(p.Variant, out long kept) && kept == p.Base;
        long foreign = removedFrom.Count(r => !pairs.Any(p => p.Variant == r.Key && p.Base == r.Value));

        Console.WriteLine($"{pairs.Count} planted pairs among {lines.Count:N0} examples (5,000 unrelated); default settings: 128 permutations, 16 bands x 8 rows, threshold 0.75, 5-word shingles");
        Console.WriteLine();
        Console.WriteLine("| Jaccard | pairs | flagged (recall if a duplicate) | P(candidate) by formula |");
        Console.WriteLine("|---|---:|---:|---:|");
        var lsh = new LshParameters();
        foreach (var bin in pairs.GroupBy(p => Math.Floor(p.J * 20) / 20).OrderBy(g => g.Key))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {bin.Key:0.00}-{bin.Key + 0.05:0.00} | {bin.Count()} | {bin.Count(Flagged) / (double)bin.Count():0.000} | {lsh.CandidateProbability(bin.Key + 0.025):0.000} |"));
        }
        Console.WriteLine();
        foreach (double cut in new[] { 0.7, 0.8, 0.85 })
        {
            var truth = pairs.Where(p => p.J >= cut).ToList();
            long tp = truth.Count(Flagged);
            long flagged = pairs.Count(Flagged) + foreign;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"duplicates defined as J >= {cut:0.00}: recall {tp / (double)truth.Count:0.000}, precision {tp / (double)Math.Max(1, flagged):0.000} ({flagged} flagged, {foreign} outside planted pairs)"));
        }
        var low = pairs.Where(p => p.J <= 0.5).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pairs with J <= 0.5 flagged: {low.Count(Flagged)} of {low.Count} ({low.Count(Flagged) / (double)low.Count:P2})"));
    }
}
