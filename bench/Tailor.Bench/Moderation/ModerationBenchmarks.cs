using BenchmarkDotNet.Attributes;
using Tailor.Moderation;
using Tailor.Moderation.Detectors;
using Tailor.Moderation.Local;
using Tailor.Moderation.Policies;

namespace Tailor.Bench.Moderation;

/// <summary>Mean cost per message of each moderation part at 100 and 2,000 characters (BenchmarkDotNet; for p50/p99 see <see cref="ModerationLatency"/>).</summary>
[MemoryDiagnoser]
public class ModerationBenchmarks
{
    private IReadOnlyList<string> _messages = [];
    private int _next;
    private readonly DetectorClassifier _detectors = new();
    private readonly PiiDetector _pii = new();
    private readonly LocalModerationClassifier _local = LocalModerationClassifier.CreateDefault();
    private Moderator _moderator = null!;

    [Params(100, 2000)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _messages = ModerationMessages.Create(Length, 256);
        _moderator = new Moderator([new(_detectors), new(_local)], new ModerationPolicy([]));
    }

    private string Next() => _messages[_next++ & 255];

    [Benchmark]
    public int Pii() => _pii.Classify(Next()).Spans.Count;

    [Benchmark]
    public int Detectors() => _detectors.Classify(Next()).Spans.Count;

    [Benchmark]
    public int LocalClassifier() => _local.Classify(Next()).Flagged!.Count;

    [Benchmark]
    public int DetectorsAndLocal() => _moderator.ModerateAsync(new ModerationRequest(Next(), ModerationDirection.Input)).AsTask().GetAwaiter().GetResult().Findings.Count;
}
