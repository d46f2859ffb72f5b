using Tailor.Local.Gguf;

namespace Tailor.Local.Models;

/// <summary>
/// Low-rank update of one weight matrix: <c>W' = W + scale * (alpha / rank) * B·A</c>, in llama.cpp's LoRA layout.
/// </summary>
/// <param name="Target">The base tensor, e.g. <c>blk.0.attn_q.weight</c> (ggml shape [n_in, n_out]).</param>
/// <param name="Rank">r.</param>
/// <param name="InputSize">n_in of the target.</param>
/// <param name="OutputSize">n_out of the target.</param>
/// <param name="A">ggml [n_in, r]: r rows of n_in values (the down projection).</param>
/// <param name="B">ggml [r, n_out]: n_out rows of r values (the up projection).</param>
public sealed record LoraTensor(string Target, int Rank, int InputSize, int OutputSize, float[] A, float[] B)
{
    /// <summary>Zero B, small random A: the usual start of LoRA training (the update starts at zero).</summary>
    public static LoraTensor CreateInitial(string target, int rank, int inputSize, int outputSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var a = new float[inputSize * rank];
        var bound = 1f / MathF.Sqrt(inputSize);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = ((float)random.NextDouble() * 2f - 1f) * bound;
        }

        return new LoraTensor(target, rank, inputSize, outputSize, a, new float[rank * outputSize]);
    }
}

/// <summary>Writes a LoRA adapter GGUF that llama.cpp's <c>llama_adapter_lora_init</c> loads.</summary>
public static class LoraAdapterFile
{
    /// <summary>
    /// Writes <paramref name="tensors"/> as <c>{target}.lora_a</c>/<c>.lora_b</c> pairs with <c>adapter.lora.alpha</c> = <paramref name="alpha"/>;
    /// <paramref name="extraMetadata"/> (lineage: base model hash, data hash) is written after the adapter keys.
    /// </summary>
    public static void Write(string path, IEnumerable<LoraTensor> tensors, float alpha, string name, string architecture = LlamaTensorNames.Architecture, GgufMetadata? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var writer = new GgufWriter();
        writer.Metadata.Set(GgufKeys.Architecture, GgufValue.String(architecture))
            .Set(GgufKeys.Name, GgufValue.String(name))
            .Set(GgufKeys.Type, GgufValue.String("adapter"))
            .Set("adapter.type", GgufValue.String("lora"))
            .Set("adapter.lora.alpha", GgufValue.Float32(alpha));
        foreach (var (key, value) in extraMetadata ?? [])
        {
            writer.Metadata.Set(key, value);
        }

        foreach (var t in tensors)
        {
            if (!t.Target.EndsWith(".weight", StringComparison.Ordinal))
            {
                throw new ArgumentException($"LoRA target '{t.Target}' must be a weight tensor name.", nameof(tensors));
            }

            writer.AddTensor(t.Target + ".lora_a", [t.InputSize, t.Rank], t.A);
            writer.AddTensor(t.Target + ".lora_b", [t.Rank, t.OutputSize], t.B);
        }

        writer.Write(path);
    }
}
