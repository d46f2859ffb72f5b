namespace Tailor.Local.Training.Graph;

/// <summary>
/// Picks the thread count by measuring it. On shared or busy machines more threads can be far slower: ggml's OpenMP
/// threads meet at a barrier after every graph node, so one descheduled thread stalls the rest (on 2 shared vCPUs,
/// 2 threads ran at 1/10 the speed of 1, trainer notes §11). So every <see cref="ProbeInterval"/> steps each candidate
/// (all cores, then halving down to 1) runs <see cref="StepsPerCandidate"/> steps, and the one with the lowest median
/// step time is kept. Results are the same bits whatever the count, so this changes speed only.
/// </summary>
/// <remarks>Not thread-safe; the training loop calls it around each step.</remarks>
internal sealed class ThreadTuner
{
    public const int ProbeInterval = 200;
    public const int StepsPerCandidate = 3;

    private readonly CpuBackend _backend;
    private readonly int[] _candidates;
    private readonly List<double>[] _times;
    private int _probeStart = -1;
    private int _chosen;

    /// <param name="backend">The backend whose thread count is tuned.</param>
    /// <param name="fixedThreads">The user's choice (no tuning), or null to tune from <paramref name="cores"/> down.</param>
    /// <param name="cores">The most threads to try.</param>
    public ThreadTuner(CpuBackend backend, int? fixedThreads, int cores)
    {
        _backend = backend;
        var candidates = new List<int>();
        for (var n = fixedThreads ?? cores; n >= 1 && (fixedThreads is null || candidates.Count == 0); n /= 2)
        {
            candidates.Add(n);
        }

        _candidates = [.. candidates];
        _times = [.. _candidates.Select(_ => new List<double>())];
        backend.SetThreads(_candidates[0]);
    }

    /// <summary>Sets the thread count for step <paramref name="step"/> (1-based).</summary>
    public void BeforeStep(int step)
    {
        if (_candidates.Length == 1)
        {
            return;
        }

        if (_probeStart < 0 || step - _probeStart >= ProbeInterval)
        {
            _probeStart = step;
            foreach (var times in _times)
            {
                times.Clear();
            }
        }

        var offset = step - _probeStart;
        var probing = offset < _candidates.Length * StepsPerCandidate;
        _backend.SetThreads(_candidates[probing ? offset / StepsPerCandidate : _chosen]);
    }

    /// <summary>Records how long the step took; at the end of a probe, keeps the fastest count.</summary>
    public void AfterStep(int step, double seconds)
    {
        if (_candidates.Length == 1)
        {
            return;
        }

        var offset = step - _probeStart;
        if (offset >= _candidates.Length * StepsPerCandidate)
        {
            return;
        }

        // the first step of each candidate warms its thread team up and is not counted
        if (offset % StepsPerCandidate != 0)
        {
            _times[offset / StepsPerCandidate].Add(seconds);
        }

        if (offset == _candidates.Length * StepsPerCandidate - 1)
        {
            var medians = _times.Select(t => t.Order().ElementAt(t.Count / 2)).ToList();
            _chosen = medians.IndexOf(medians.Min());
        }
    }
}
