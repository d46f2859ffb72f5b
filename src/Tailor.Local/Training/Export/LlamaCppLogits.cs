using LLama.Native;
using Tailor.Local.Inference;
using Tailor.Local.Native;

namespace Tailor.Local.Training.Export;

/// <summary>
/// Loads a GGUF (and optionally a LoRA adapter) in llama.cpp and returns the logits of every position of a token sequence,
/// to compare with the trained graph. Flash attention is off and the KV cache is F32, so both sides do the same F32 math
/// (with flash attention on, F16 inside it moves logits by ~1e-4, trainer notes §8).
/// </summary>
/// <remarks>Not thread-safe; dispose when done.</remarks>
internal sealed unsafe class LlamaCppLogits : IDisposable
{
    private readonly LocalModel _model;
    private readonly SafeLLamaContextHandle _context;

    public LlamaCppLogits(string modelPath, string? adapterPath, int contextSize, int threads)
    {
        _model = LocalModel.Load(modelPath);
        try
        {
            var parameters = LLamaContextParams.Default();
            parameters.n_ctx = (uint)contextSize;
            parameters.n_batch = (uint)contextSize;
            parameters.n_ubatch = (uint)contextSize;
            parameters.n_seq_max = 1;
            parameters.n_threads = threads;
            parameters.n_threads_batch = threads;
            parameters.type_k = GGMLType.GGML_TYPE_F32;
            parameters.type_v = GGMLType.GGML_TYPE_F32;
            parameters.llama_flash_attn_type = LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED;
            parameters.no_perf = true;
            _context = _model.Handle.CreateContext(parameters);
            if (adapterPath is not null)
            {
                var adapter = _model.Adapter(adapterPath);
                var scale = 1f;
                if (NativeInterop.llama_set_adapters_lora(_context.DangerousGetHandle(), &adapter, 1, &scale) != 0)
                {
                    throw new TrainingException($"llama.cpp refused the adapter {adapterPath}");
                }
            }
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>Logits [n][V] for <paramref name="tokens"/>, decoded from an empty cache in one batch.</summary>
    public float[][] Logits(IReadOnlyList<int> tokens)
    {
        _context.MemoryClear();
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Count; i++)
        {
            batch.Add((LLamaToken)tokens[i], (LLamaPos)i, LLamaSeqId.Zero, true);
        }

        var result = _context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new TrainingException($"llama.cpp could not decode the check sequence ({result})");
        }

        return [.. Enumerable.Range(0, tokens.Count).Select(i => _context.GetLogitsIth(i).ToArray())];
    }

    public void Dispose()
    {
        _context.Dispose();
        _model.Dispose();
    }
}
