using Tailor.Local.Gguf;

namespace Tailor.Local.Models;

/// <summary>
/// Hyperparameters of a llama-architecture transformer as llama.cpp reads them from <c>llama.*</c> GGUF keys.
/// Immutable; <see cref="Validate"/> says what is wrong in words.
/// </summary>
public sealed record LlamaConfig
{
    public required int VocabularySize { get; init; }

    /// <summary>Width of the residual stream (n_embd).</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Transformer blocks (n_layer).</summary>
    public int LayerCount { get; init; } = 2;

    /// <summary>Query heads (n_head).</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>Key/value heads (n_head_kv) for grouped-query attention; equal to <see cref="HeadCount"/> for plain multi-head.</summary>
    public int KvHeadCount { get; init; } = 4;

    /// <summary>Hidden width of the SwiGLU feed-forward (n_ff).</summary>
    public int FeedForwardLength { get; init; } = 192;

    /// <summary>Longest context the model is made for (n_ctx_train).</summary>
    public int ContextLength { get; init; } = 256;

    public float RopeFreqBase { get; init; } = 10000f;

    public float RmsNormEpsilon { get; init; } = 1e-5f;

    /// <summary>Width of one attention head.</summary>
    public int HeadDimension => EmbeddingLength / HeadCount;

    /// <summary>Width of the K and V projections: <c>KvHeadCount * HeadDimension</c>.</summary>
    public int KvEmbeddingLength => KvHeadCount * HeadDimension;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public LlamaConfig Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"Invalid llama config: {message}.");
            }
        }

        Require(VocabularySize > 0, "VocabularySize must be positive");
        Require(EmbeddingLength > 0 && LayerCount > 0 && HeadCount > 0 && KvHeadCount > 0 && FeedForwardLength > 0 && ContextLength > 0, "sizes must be positive");
        Require(EmbeddingLength % HeadCount == 0, $"EmbeddingLength {EmbeddingLength} must divide into {HeadCount} heads");
        Require(HeadDimension % 2 == 0, $"the head dimension {HeadDimension} must be even for rotary embeddings");
        Require(HeadCount % KvHeadCount == 0, $"HeadCount {HeadCount} must be a multiple of KvHeadCount {KvHeadCount}");
        Require(RmsNormEpsilon > 0 && RopeFreqBase > 0, "RmsNormEpsilon and RopeFreqBase must be positive");
        return this;
    }

    /// <summary>Every tensor of the model with its ggml shape (<c>Shape[0]</c> is the input/contiguous dimension), in file order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> TensorShapes()
    {
        long embd = EmbeddingLength, vocab = VocabularySize, kv = KvEmbeddingLength, ff = FeedForwardLength;
        var shapes = new List<(string, long[])> { (LlamaTensorNames.TokenEmbedding, [embd, vocab]) };
        for (var layer = 0; layer < LayerCount; layer++)
        {
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.AttentionNorm), [embd]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.AttentionQuery), [embd, embd]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.AttentionKey), [embd, kv]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.AttentionValue), [embd, kv]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.AttentionOutput), [embd, embd]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.FeedForwardNorm), [embd]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.FeedForwardGate), [embd, ff]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.FeedForwardUp), [embd, ff]));
            shapes.Add((LlamaTensorNames.Block(layer, LlamaTensorNames.FeedForwardDown), [ff, embd]));
        }

        shapes.Add((LlamaTensorNames.OutputNorm, [embd]));
        shapes.Add((LlamaTensorNames.Output, [embd, vocab]));
        return shapes;
    }

    /// <summary>Number of weights (untied input and output embeddings).</summary>
    public long ParameterCount => TensorShapes().Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>Writes the <c>llama.*</c> hyperparameter keys.</summary>
    public void WriteTo(GgufMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        const string A = LlamaTensorNames.Architecture;
        metadata.Set(GgufKeys.Arch(A, GgufKeys.VocabSize), GgufValue.UInt32((uint)VocabularySize))
            .Set(GgufKeys.Arch(A, GgufKeys.ContextLength), GgufValue.UInt32((uint)ContextLength))
            .Set(GgufKeys.Arch(A, GgufKeys.EmbeddingLength), GgufValue.UInt32((uint)EmbeddingLength))
            .Set(GgufKeys.Arch(A, GgufKeys.BlockCount), GgufValue.UInt32((uint)LayerCount))
            .Set(GgufKeys.Arch(A, GgufKeys.FeedForwardLength), GgufValue.UInt32((uint)FeedForwardLength))
            .Set(GgufKeys.Arch(A, GgufKeys.RopeDimensionCount), GgufValue.UInt32((uint)HeadDimension))
            .Set(GgufKeys.Arch(A, GgufKeys.HeadCount), GgufValue.UInt32((uint)HeadCount))
            .Set(GgufKeys.Arch(A, GgufKeys.HeadCountKv), GgufValue.UInt32((uint)KvHeadCount))
            .Set(GgufKeys.Arch(A, GgufKeys.RmsNormEpsilon), GgufValue.Float32(RmsNormEpsilon))
            .Set(GgufKeys.Arch(A, GgufKeys.RopeFreqBase), GgufValue.Float32(RopeFreqBase));
    }

    /// <summary>Reads the hyperparameters of a llama-architecture GGUF (llama.cpp's defaults where a key is optional).</summary>
    public static LlamaConfig FromGguf(GgufMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var arch = metadata.GetString(GgufKeys.Architecture);
        if (arch != LlamaTensorNames.Architecture)
        {
            throw new NotSupportedException($"general.architecture is '{arch ?? "(none)"}', not 'llama'.");
        }

        long Get(string key) => metadata.GetInt64(GgufKeys.Arch(arch, key)) ?? throw new KeyNotFoundException($"GGUF metadata lacks {arch}.{key}.");
        var heads = (int)Get(GgufKeys.HeadCount);
        var vocabulary = metadata.GetInt64(GgufKeys.Arch(arch, GgufKeys.VocabSize))
            ?? (metadata.TryGetValue(GgufKeys.Tokens, out var tokens) ? tokens.ArrayLength : throw new KeyNotFoundException("GGUF metadata has neither llama.vocab_size nor tokenizer.ggml.tokens."));
        return new LlamaConfig
        {
            VocabularySize = (int)vocabulary,
            EmbeddingLength = (int)Get(GgufKeys.EmbeddingLength),
            LayerCount = (int)Get(GgufKeys.BlockCount),
            HeadCount = heads,
            KvHeadCount = (int)(metadata.GetInt64(GgufKeys.Arch(arch, GgufKeys.HeadCountKv)) ?? heads),
            FeedForwardLength = (int)Get(GgufKeys.FeedForwardLength),
            ContextLength = (int)Get(GgufKeys.ContextLength),
            RopeFreqBase = (float)(metadata.GetDouble(GgufKeys.Arch(arch, GgufKeys.RopeFreqBase)) ?? 10000.0),
            RmsNormEpsilon = (float)(metadata.GetDouble(GgufKeys.Arch(arch, GgufKeys.RmsNormEpsilon)) ?? 1e-5),
        };
    }
}
