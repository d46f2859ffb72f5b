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
/// messages as JSON so a peer measures the same inputs. Besides wall time, each message's CPU time on its thread
/// is read (<c>CLOCK_THREAD_CPUTIME_ID</c>): on a shared, loaded machine wall-time tails include the time the thread
/// waited for a core; CPU-time tails are the work itself.
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

        Console.WriteLine("| part | chars | wall p50 µs | wall p99 µs | CPU p50 µs | CPU p99 µs | messages/s (1 thread, wall) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
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
        // Warm-up long enough for tiered compilation to finish, so the background JIT does not share the core while timing.
        for (int i = 0; i < 20_000; i++)
        {
            sink += work(messages[i % messages.Count]);
        }
        var times = new double[Count];
        var cpu = new double[Count];
        long total = Stopwatch.GetTimestamp();
        for (int i = 0; i < Count; i++)
        {
            long c0 = ThreadCpuNanoseconds();
            long t0 = Stopwatch.GetTimestamp();
            sink += work(messages[i % messages.Count]);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            cpu[i] = (ThreadCpuNanoseconds() - c0) / 1000.0;
        }
        double seconds = Stopwatch.GetElapsedTime(total).TotalSeconds;
        Array.Sort(times);
        Array.Sort(cpu);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"| {part} | {length} | {times[Count / 2]:0.0} | {times[(int)(Count * 0.99)]:0.0} | {cpu[Count / 2]:0.0} | {cpu[(int)(Count * 0.99)]:0.0} | {Count / seconds:0} |"));
        GC.KeepAlive(sink);
    }

    // CPU time of the calling thread (Linux); includes the clock call itself (a system call, well under a microsecond).
    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        return clock_gettime(ClockThreadCpuTimeId, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : 0;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
