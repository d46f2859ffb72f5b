using Tailor.Local.Gguf;
using Tailor.Local.Models;

namespace Tailor.Local.Training.Export;

/// <summary>
/// Writes what a run produced: a complete llama GGUF (every metadata key of the base model, tokenizer and chat template
/// included, with the trained weights), or a LoRA adapter GGUF for llama.cpp, each with <c>tailor.training.*</c> lineage keys.
/// </summary>
internal static class ModelExport
{
    private static readonly HashSet<string> s_replacedKeys = new([GgufKeys.Name, GgufKeys.FileType, GgufKeys.Alignment], StringComparer.Ordinal);

    /// <summary>
    /// Writes <paramref name="weights"/> with the base model's metadata (so any tokenizer the base had is kept) to
    /// <paramref name="path"/>, atomically; matrices as <paramref name="storage"/>, 1-D norm gains as F32.
    /// </summary>
    public static void WriteModel(string path, GgufMetadata baseMetadata, LlamaModelWeights weights, string name, GgmlType storage, GgufMetadata lineage)
    {
        var writer = new GgufWriter();
        writer.Metadata.Set(GgufKeys.Architecture, GgufValue.String(LlamaTensorNames.Architecture))
            .Set(GgufKeys.Name, GgufValue.String(name))
            .Set(GgufKeys.FileType, GgufValue.UInt32(storage == GgmlType.F16 ? 1u : 0u)); // LLAMA_FTYPE_MOSTLY_F16 / ALL_F32
        foreach (var (key, value) in baseMetadata)
        {
            if (!s_replacedKeys.Contains(key))
            {
                writer.Metadata.Set(key, value);
            }
        }

        weights.Config.WriteTo(writer.Metadata);
        foreach (var (key, value) in lineage)
        {
            writer.Metadata.Set(key, value);
        }

        foreach (var tensor in weights.Tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Shape, tensor.Data, tensor.Shape.Count == 1 ? GgmlType.F32 : storage);
        }

        writer.Write(path);
    }

    /// <summary>Base weights plus each adapter's update: W(i, o) += (alpha/r)·Σ_j B(j, o)·A(i, j).</summary>
    public static LlamaModelWeights Merge(LlamaModelWeights baseWeights, IReadOnlyList<LoraTensor> adapters, float alpha)
    {
        var byName = adapters.ToDictionary(a => a.Target, StringComparer.Ordinal);
        var merged = new List<WeightTensor>();
        foreach (var tensor in baseWeights.Tensors)
        {
            var data = (float[])tensor.Data.Clone();
            if (byName.TryGetValue(tensor.Name, out var lora))
            {
                var scale = alpha / lora.Rank;
                int nIn = lora.InputSize, nOut = lora.OutputSize, r = lora.Rank;
                for (var o = 0; o < nOut; o++)
                {
                    var row = data.AsSpan(o * nIn, nIn);      // W[:, o]
                    for (var j = 0; j < r; j++)
                    {
                        var b = scale * lora.B[o * r + j];    // B(j, o)
                        var a = lora.A.AsSpan(j * nIn, nIn);  // A[:, j]
                        for (var i = 0; i < nIn; i++)
                        {
                            row[i] += b * a[i];
                        }
                    }
                }
            }

            merged.Add(new WeightTensor(tensor.Name, [.. tensor.Shape], data));
        }

        return new LlamaModelWeights(baseWeights.Config, merged);
    }
}
