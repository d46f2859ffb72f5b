namespace Tailor.Local.Gguf;

/// <summary>A special token of a vocabulary: its role (<c>bos</c>, <c>eos</c>, ...), id and text.</summary>
public sealed record SpecialToken(string Role, int Id, string? Text);

/// <summary>
/// A plain summary of a GGUF model for <c>tailor model info</c>: read from the header, metadata and tensor
/// infos only (no tensor data), so it is quick even for multi-gigabyte or quantized files. Immutable.
/// </summary>
public sealed record ModelInfo
{
    public required string Path { get; init; }
    public required long FileSize { get; init; }
    public required uint GgufVersion { get; init; }

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c>, <c>qwen2</c>.</summary>
    public string? Architecture { get; init; }

    /// <summary><c>general.name</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>model</c> or <c>adapter</c> (a LoRA); <c>general.type</c>, <c>model</c> when absent.</summary>
    public string Kind { get; init; } = "model";

    /// <summary>Total elements of all tensors.</summary>
    public long ParameterCount { get; init; }

    /// <summary>Bytes of tensor data.</summary>
    public long TensorBytes { get; init; }

    public int TensorCount { get; init; }

    /// <summary>Number of tensors per element type name (<c>f32</c>, <c>q4_K</c>, ...).</summary>
    public IReadOnlyDictionary<string, int> TensorTypes { get; init; } = new Dictionary<string, int>();

    public long? ContextLength { get; init; }
    public long? EmbeddingLength { get; init; }
    public long? BlockCount { get; init; }
    public long? FeedForwardLength { get; init; }
    public long? HeadCount { get; init; }
    public long? HeadCountKv { get; init; }
    public double? RopeFreqBase { get; init; }
    public double? RmsNormEpsilon { get; init; }

    /// <summary><c>tokenizer.ggml.model</c>: <c>llama</c> (SentencePiece), <c>gpt2</c> (byte-level BPE), ...</summary>
    public string? TokenizerModel { get; init; }

    public int? VocabularySize { get; init; }

    public IReadOnlyList<SpecialToken> SpecialTokens { get; init; } = [];

    public string? ChatTemplate { get; init; }

    public int MetadataCount { get; init; }

    /// <summary>Reads the summary of the GGUF file at <paramref name="path"/>.</summary>
    /// <exception cref="GgufFormatException">The file is not valid GGUF.</exception>
    public static ModelInfo Read(string path)
    {
        using var file = GgufFile.Open(path);
        return From(file);
    }

    public static ModelInfo From(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var m = file.Metadata;
        var arch = m.GetString(GgufKeys.Architecture);
        long? ArchInt(string key) => arch is null ? null : m.GetInt64(GgufKeys.Arch(arch, key));

        string[]? tokens = m.TryGetValue(GgufKeys.Tokens, out var t) && t.ElementType == GgufValueType.String ? t.AsArray<string>() : null;
        var specials = new List<SpecialToken>();
        foreach (var (role, key) in new[]
                 {
                     ("bos", GgufKeys.BosTokenId), ("eos", GgufKeys.EosTokenId), ("eot", GgufKeys.EotTokenId),
                     ("unk", GgufKeys.UnknownTokenId), ("pad", GgufKeys.PaddingTokenId),
                 })
        {
            if (m.GetInt64(key) is { } id)
            {
                var text = tokens is not null && id >= 0 && id < tokens.Length ? tokens[id] : null;
                specials.Add(new SpecialToken(role, (int)id, text));
            }
        }

        var known = file.Tensors.Where(x => GgmlTypeTraits.IsKnown(x.Type)).ToList();
        return new ModelInfo
        {
            Path = file.Path,
            FileSize = file.FileSize,
            GgufVersion = file.Version,
            Architecture = arch,
            Name = m.GetString(GgufKeys.Name),
            Kind = m.GetString(GgufKeys.Type) ?? "model",
            ParameterCount = file.Tensors.Sum(x => x.ElementCount),
            TensorBytes = known.Sum(x => x.ByteSize),
            TensorCount = file.Tensors.Count,
            TensorTypes = file.Tensors.GroupBy(x => GgmlTypeTraits.Name(x.Type)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            ContextLength = ArchInt(GgufKeys.ContextLength),
            EmbeddingLength = ArchInt(GgufKeys.EmbeddingLength),
            BlockCount = ArchInt(GgufKeys.BlockCount),
            FeedForwardLength = ArchInt(GgufKeys.FeedForwardLength),
            HeadCount = ArchInt(GgufKeys.HeadCount),
            HeadCountKv = ArchInt(GgufKeys.HeadCountKv) ?? ArchInt(GgufKeys.HeadCount),
            RopeFreqBase = arch is null ? null : m.GetDouble(GgufKeys.Arch(arch, GgufKeys.RopeFreqBase)),
            RmsNormEpsilon = arch is null ? null : m.GetDouble(GgufKeys.Arch(arch, GgufKeys.RmsNormEpsilon)),
            TokenizerModel = m.GetString(GgufKeys.TokenizerModel),
            VocabularySize = tokens?.Length ?? (int?)ArchInt(GgufKeys.VocabSize),
            SpecialTokens = specials,
            ChatTemplate = m.GetString(GgufKeys.ChatTemplate),
            MetadataCount = m.Count,
        };
    }
}
