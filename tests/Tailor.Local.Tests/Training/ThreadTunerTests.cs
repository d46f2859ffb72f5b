using Tailor.Local.Training.Graph;

namespace Tailor.Local.Tests.Training;

/// <summary>The thread tuner tries all cores, then halves, and keeps the count with the lowest median step time.</summary>
public sealed class ThreadTunerTests
{
    [Fact]
    public void The_fastest_measured_thread_count_is_kept_until_the_next_probe()
    {
        using var backend = new CpuBackend(1);
        var tuner = new ThreadTuner(backend, fixedThreads: null, cores: 4);
        var seconds = new Dictionary<int, double> { [4] = 0.9, [2] = 0.3, [1] = 0.5 }; // a busy machine: 2 threads beat 4
        var used = new List<int>();

        for (var step = 1; step <= 12; step++)
        {
            tuner.BeforeStep(step);
            used.Add(backend.Threads);
            tuner.AfterStep(step, step % ThreadTuner.StepsPerCandidate == 1 ? 10 : seconds[backend.Threads]); // warm-up steps are ignored
        }

        Assert.Equal([4, 4, 4, 2, 2, 2, 1, 1, 1, 2, 2, 2], used);
        tuner.BeforeStep(ThreadTuner.ProbeInterval + 1);
        Assert.Equal(4, backend.Threads); // a new probe starts from all cores again
    }

    [Fact]
    public void A_thread_count_the_user_chose_is_never_changed()
    {
        using var backend = new CpuBackend(1);
        var tuner = new ThreadTuner(backend, fixedThreads: 3, cores: 8);

        for (var step = 1; step <= 10; step++)
        {
            tuner.BeforeStep(step);
            Assert.Equal(3, backend.Threads);
            tuner.AfterStep(step, step);
        }
    }
}
