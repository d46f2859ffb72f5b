using Tailor.Local.Gguf;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Models;

/// <summary>Writes a complete llama GGUF: hyperparameters, tokenizer (with chat template), and weights.</summary>
public static class LlamaModelFile
{
    /// <summary>
    /// Writes <paramref name="weights"/> and <paramref name="vocabulary"/> to <paramref name="path"/> (atomically),
    /// matrices as <paramref name="storage"/> (F32 or F16); 1-D norm gains always stay F32, as llama.cpp's converters keep them.
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="weights">The model; its vocabulary size must equal the vocabulary's.</param>
    /// <param name="vocabulary">Tokenizer and chat template.</param>
    /// <param name="name">Stored as <c>general.name</c>: the model id a chat client reports.</param>
    /// <param name="storage">Element type of the matrices.</param>
    /// <param name="extraMetadata">More keys to store (lineage, training hyperparameters), written after the standard ones.</param>
    public static void Write(string path, LlamaModelWeights weights, LlamaVocabulary vocabulary, string name, GgmlType storage = GgmlType.F32, GgufMetadata? extraMetadata = null)
    {
        var writer = CreateWriter(weights, vocabulary, name, storage, extraMetadata);
        writer.Write(path);
    }

    /// <summary>The writer <see cref="Write"/> uses, for callers that stream to their own destination.</summary>
    public static GgufWriter CreateWriter(LlamaModelWeights weights, LlamaVocabulary vocabulary, string name, GgmlType storage = GgmlType.F32, GgufMetadata? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (storage is not (GgmlType.F32 or GgmlType.F16))
        {
            throw new NotSupportedException($"Models are written as f32 or f16, not {GgmlTypeTraits.Name(storage)}.");
        }

        if (weights.Config.VocabularySize != vocabulary.Count)
        {
            throw new ArgumentException($"The model has {weights.Config.VocabularySize} token rows but the vocabulary has {vocabulary.Count} tokens.", nameof(vocabulary));
        }

        var writer = new GgufWriter();
        writer.Metadata.Set(GgufKeys.Architecture, GgufValue.String(LlamaTensorNames.Architecture))
            .Set(GgufKeys.Name, GgufValue.String(name))
            .Set(GgufKeys.FileType, GgufValue.UInt32(storage == GgmlType.F16 ? 1u : 0u)); // LLAMA_FTYPE_MOSTLY_F16 / ALL_F32
        weights.Config.WriteTo(writer.Metadata);
        vocabulary.WriteTo(writer.Metadata);
        foreach (var (key, value) in extraMetadata ?? [])
        {
            writer.Metadata.Set(key, value);
        }

        foreach (var tensor in weights.Tensors)
        {
            var type = tensor.Shape.Count == 1 ? GgmlType.F32 : storage;
            writer.AddTensor(tensor.Name, tensor.Shape, tensor.Data, type);
        }

        return writer;
    }
}
