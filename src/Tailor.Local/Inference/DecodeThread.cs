using System.Collections.Concurrent;

namespace Tailor.Local.Inference;

/// <summary>
/// One process-wide thread that runs every decode and sampling step. LLamaSharp already serialises
/// <c>llama_decode</c> across the process, so this costs no parallelism; what it buys is that ggml's OpenMP
/// thread team is created once and reused, instead of one team per calling thread spinning against the others
/// (on 2 cores that thrash cut aggregate throughput of 4 concurrent requests by half or more).
/// </summary>
/// <remarks>Thread-safe. A step queued and then cancelled never runs; a step already running always completes.</remarks>
internal static class DecodeThread
{
    private static readonly BlockingCollection<WorkItem> s_queue = [];
    private static readonly Thread s_thread = StartThread();

    public static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var item = new WorkItem<T>(work);
        if (cancellationToken.CanBeCanceled)
        {
            item.Registration = cancellationToken.Register(static state => ((WorkItem)state!).TryCancel(), item);
        }

        s_queue.Add(item, CancellationToken.None);
        return item.Task;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "Tailor llama.cpp decode" };
        thread.Start();
        return thread;
    }

    private static void Loop()
    {
        foreach (var item in s_queue.GetConsumingEnumerable())
        {
            item.Execute();
        }
    }

    private abstract class WorkItem
    {
        private const int Queued = 0, Running = 1, Cancelled = 2;
        private int _state;

        public CancellationTokenRegistration Registration { get; set; }

        public void TryCancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                SetCancelled();
            }
        }

        public void Execute()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
            {
                return;
            }

            Registration.Dispose();
            Invoke();
        }

        protected abstract void Invoke();

        protected abstract void SetCancelled();
    }

    private sealed class WorkItem<T>(Func<T> work) : WorkItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        protected override void Invoke()
        {
            try
            {
                _completion.SetResult(work());
            }
            catch (Exception ex)
            {
                _completion.SetException(ex);
            }
        }

        protected override void SetCancelled() => _completion.TrySetCanceled();
    }
}
