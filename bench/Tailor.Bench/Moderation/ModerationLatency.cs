using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tailor.Moderation;
using Tailor.Moderation.Detectors;
using Tailor.Moderation.Local;
using Tailor.Moderation.Policies;

namespace Tailor.Bench.Moderation;

/// <summary>
/// Per-message latency (p50, p99) and throughput on one thread of each moderation part, at 100 and 2,000 characters:
/// <c>dotnet run -c Release --project bench/Tailor.Bench -- moderation-latency [--export dir]</c>. Every message is
/// timed on its own after a warm-up pass; pin the process (<c>taskset -c 0</c>) for one core. <c>--export</c> writes the
/// messages as JSON so a peer measures the same inputs.
/// </summary>
public static class ModerationLatency
{
    private const int Count = 20_000;

    public static void Run(string[] args)
    {
        string? export = args.SkipWhile(a => a != "--export").Skip(1).FirstOrDefault();
        var detectors = new DetectorClassifier();
        var pii = new PiiDetector();
        var local = LocalModerationClassifier.CreateDefault();
        var moderator = new Moderator([new(detectors), new(local)], new ModerationPolicy([new Spec.Policy
        {
            Id = "no-pii", Description = "d", Categories = [ModerationCategories.Privacy, ModerationCategories.Secrets], Input = Spec.PolicyAction.Redact,
        }]));

        Console.WriteLine("| part | chars | p50 µs | p99 µs | mean µs | messages/s (1 thread) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (int length in new[] { 100, 2000 })
        {
            var messages = ModerationMessages.Create(length, 1000);
            if (export is not null)
            {
                Directory.CreateDirectory(export);
                File.WriteAllText(Path.Combine(export, $"messages-{length}.json"), JsonSerializer.Serialize(messages.ToArray(), BenchJson.Default.StringArray));
            }
            Measure("pii detector + redaction", length, messages, m => Redactor.Apply(m, pii.Classify(m).Spans).Length);
            Measure("detectors (pii, secrets, prompt attack)", length, messages, m => detectors.Classify(m).Spans.Count);
            Measure("local classifier", length, messages, m => local.Classify(m).Flagged!.Count);
            Measure("moderator: detectors + local + policy", length, messages,
                m => moderator.ModerateAsync(new ModerationRequest(m, ModerationDirection.Input)).AsTask().GetAwaiter().GetResult().Findings.Count);
        }
    }

    private static void Measure(string part, int length, IReadOnlyList<string> messages, Func<string, int> work)
    {
        int sink = 0;
        for (int i = 0; i < 2000; i++)
        {
            sink += work(messages[i % messages.Count]); // warm-up: JIT tiers, regex construction
        }
        var times = new double[Count];
        long total = Stopwatch.GetTimestamp();
        for (int i = 0; i < Count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sink += work(messages[i % messages.Count]);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        double seconds = Stopwatch.GetElapsedTime(total).TotalSeconds;
        Array.Sort(times);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"| {part} | {length} | {times[Count / 2]:0.0} | {times[(int)(Count * 0.99)]:0.0} | {times.Average():0.0} | {Count / seconds:0} |"));
        GC.KeepAlive(sink);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
