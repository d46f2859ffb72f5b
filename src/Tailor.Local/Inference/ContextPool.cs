using System.Collections.Concurrent;
using LLama.Native;
using Tailor.Local.Native;

namespace Tailor.Local.Inference;

/// <summary>
/// Up to N llama.cpp contexts over one model, created on first need and reused; a request rents one for its whole
/// generation. Thread-safe. Contexts carry the client's LoRA adapters.
/// </summary>
internal sealed class ContextPool : IDisposable
{
    private readonly LocalModel _model;
    private readonly LLamaContextParams _parameters;
    private readonly (nint Adapter, float Scale)[] _adapters;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<SafeLLamaContextHandle> _idle = [];
    private volatile bool _disposed;

    public ContextPool(LocalModel model, int contextSize, int batchSize, int threads, int capacity, (nint Adapter, float Scale)[] adapters)
    {
        _model = model;
        _adapters = adapters;
        _slots = new SemaphoreSlim(capacity, capacity);
        _parameters = LLamaContextParams.Default();
        _parameters.n_ctx = (uint)contextSize;
        _parameters.n_batch = (uint)Math.Min(batchSize, contextSize);
        _parameters.n_ubatch = _parameters.n_batch;
        _parameters.n_seq_max = 1;
        _parameters.n_threads = threads;
        _parameters.n_threads_batch = threads;
        _parameters.no_perf = true;
    }

    public async ValueTask<Lease> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_idle.TryTake(out var context))
            {
                context = Create();
            }

            context.MemoryClear();
            return new Lease(this, context);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private unsafe SafeLLamaContextHandle Create()
    {
        var context = _model.Handle.CreateContext(_parameters);
        if (_adapters.Length > 0)
        {
            var pointers = _adapters.Select(a => a.Adapter).ToArray();
            var scales = _adapters.Select(a => a.Scale).ToArray();
            fixed (nint* p = pointers)
            fixed (float* s = scales)
            {
                if (NativeInterop.llama_set_adapters_lora(context.DangerousGetHandle(), p, (nuint)pointers.Length, s) != 0)
                {
                    context.Dispose();
                    throw new InvalidOperationException("llama.cpp refused the LoRA adapters for this context.");
                }
            }
        }

        return context;
    }

    private void Return(SafeLLamaContextHandle context)
    {
        if (_disposed)
        {
            context.Dispose();
        }
        else
        {
            _idle.Add(context);
        }

        _slots.Release();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var context))
        {
            context.Dispose();
        }
    }

    /// <summary>A rented context; disposing returns it.</summary>
    public sealed class Lease(ContextPool pool, SafeLLamaContextHandle context) : IDisposable
    {
        private int _returned;

        public SafeLLamaContextHandle Context => context;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                pool.Return(context);
            }
        }
    }
}
