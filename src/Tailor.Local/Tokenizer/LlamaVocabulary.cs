using System.Globalization;
using Tailor.Local.Gguf;

namespace Tailor.Local.Tokenizer;

/// <summary>
/// A SentencePiece-style vocabulary as llama.cpp reads it (<c>tokenizer.ggml.model = "llama"</c>): token texts,
/// scores (a higher score merges first), types, special ids and flags. Immutable and thread-safe.
/// </summary>
public sealed class LlamaVocabulary
{
    /// <summary>The SentencePiece space marker (U+2581).</summary>
    public const char SpaceMarker = '\u2581';

    private readonly Dictionary<string, int> _ids;

    public LlamaVocabulary(
        IReadOnlyList<string> tokens,
        IReadOnlyList<float> scores,
        IReadOnlyList<TokenType> types,
        int bosId,
        int eosId,
        int unknownId,
        int? endOfTurnId = null,
        int? paddingId = null,
        bool addBos = true,
        bool addEos = false,
        bool addSpacePrefix = false,
        string? chatTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(types);
        if (tokens.Count != scores.Count || tokens.Count != types.Count)
        {
            throw new ArgumentException($"Vocabulary has {tokens.Count} tokens, {scores.Count} scores and {types.Count} types; they must match.");
        }

        Tokens = tokens.ToArray();
        Scores = scores.ToArray();
        Types = types.ToArray();
        foreach (var (name, id) in new[] { ("bos", (int?)bosId), ("eos", eosId), ("unk", unknownId), ("eot", endOfTurnId), ("pad", paddingId) })
        {
            if (id is { } v && (v < 0 || v >= Tokens.Count))
            {
                throw new ArgumentOutOfRangeException(name, $"Special token id {v} is outside the vocabulary of {Tokens.Count}.");
            }
        }

        BosId = bosId;
        EosId = eosId;
        UnknownId = unknownId;
        EndOfTurnId = endOfTurnId;
        PaddingId = paddingId;
        AddBos = addBos;
        AddEos = addEos;
        AddSpacePrefix = addSpacePrefix;
        ChatTemplate = chatTemplate;

        // Same rule as llama.cpp's token_to_id map: a later duplicate text wins.
        _ids = new Dictionary<string, int>(Tokens.Count, StringComparer.Ordinal);
        for (var i = 0; i < Tokens.Count; i++)
        {
            _ids[Tokens[i]] = i;
        }
    }

    public IReadOnlyList<string> Tokens { get; }
    public IReadOnlyList<float> Scores { get; }
    public IReadOnlyList<TokenType> Types { get; }
    public int Count => Tokens.Count;
    public int BosId { get; }
    public int EosId { get; }
    public int UnknownId { get; }

    /// <summary>End of a chat turn (<c>&lt;|im_end|&gt;</c> for ChatML); also an end-of-generation token.</summary>
    public int? EndOfTurnId { get; }

    public int? PaddingId { get; }
    public bool AddBos { get; }
    public bool AddEos { get; }

    /// <summary>Whether a space is prepended to text that starts the input or follows a special token (SentencePiece's dummy prefix).</summary>
    public bool AddSpacePrefix { get; }

    public string? ChatTemplate { get; }

    /// <summary>Ids that end generation: eos and end-of-turn.</summary>
    public IReadOnlyList<int> EndOfGenerationIds => EndOfTurnId is { } eot && eot != EosId ? [EosId, eot] : [EosId];

    /// <summary>The id of the token with exactly this text, or null.</summary>
    public int? TokenId(string text) => _ids.TryGetValue(text, out var id) ? id : null;

    internal Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup => _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The byte-fallback token text of <paramref name="value"/>: <c>&lt;0x0A&gt;</c>.</summary>
    public static string ByteTokenText(byte value) => $"<0x{value.ToString("X2", CultureInfo.InvariantCulture)}>";

    /// <summary>Writes the <c>tokenizer.*</c> keys llama.cpp reads.</summary>
    public void WriteTo(GgufMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        metadata.Set(GgufKeys.TokenizerModel, GgufValue.String("llama"))
            .Set(GgufKeys.Tokens, GgufValue.Array(Tokens.ToArray()))
            .Set(GgufKeys.Scores, GgufValue.Array(Scores.ToArray()))
            .Set(GgufKeys.TokenTypes, GgufValue.Array(Types.Select(t => (int)t).ToArray()))
            .Set(GgufKeys.BosTokenId, GgufValue.UInt32((uint)BosId))
            .Set(GgufKeys.EosTokenId, GgufValue.UInt32((uint)EosId))
            .Set(GgufKeys.UnknownTokenId, GgufValue.UInt32((uint)UnknownId))
            .Set(GgufKeys.AddBosToken, GgufValue.Bool(AddBos))
            .Set(GgufKeys.AddEosToken, GgufValue.Bool(AddEos))
            .Set(GgufKeys.AddSpacePrefix, GgufValue.Bool(AddSpacePrefix));
        if (EndOfTurnId is { } eot)
        {
            metadata.Set(GgufKeys.EotTokenId, GgufValue.UInt32((uint)eot));
        }

        if (PaddingId is { } pad)
        {
            metadata.Set(GgufKeys.PaddingTokenId, GgufValue.UInt32((uint)pad));
        }

        if (ChatTemplate is not null)
        {
            metadata.Set(GgufKeys.ChatTemplate, GgufValue.String(ChatTemplate));
        }
    }

    /// <summary>Reads a <c>llama</c>-model vocabulary from GGUF metadata (defaults as llama.cpp applies them).</summary>
    /// <exception cref="NotSupportedException">The file's tokenizer is not SentencePiece-style.</exception>
    public static LlamaVocabulary FromGguf(GgufMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var model = metadata.GetString(GgufKeys.TokenizerModel);
        if (model != "llama")
        {
            throw new NotSupportedException($"Tokenizer model '{model ?? "(none)"}' is not supported by the C# tokenizer; only SentencePiece-style 'llama' vocabularies are.");
        }

        var tokens = metadata[GgufKeys.Tokens].AsArray<string>();
        var scores = metadata.TryGetValue(GgufKeys.Scores, out var s) ? s.AsArray<float>() : new float[tokens.Length];
        var types = metadata.TryGetValue(GgufKeys.TokenTypes, out var t)
            ? t.ToInt64Array().Select(x => (TokenType)x).ToArray()
            : Enumerable.Repeat(TokenType.Normal, tokens.Length).ToArray();
        int? Id(string key) => metadata.GetInt64(key) is { } v ? (int)v : null;
        return new LlamaVocabulary(
            tokens, scores, types,
            Id(GgufKeys.BosTokenId) ?? 1,
            Id(GgufKeys.EosTokenId) ?? 2,
            Id(GgufKeys.UnknownTokenId) ?? 0,
            Id(GgufKeys.EotTokenId),
            Id(GgufKeys.PaddingTokenId),
            metadata.GetBool(GgufKeys.AddBosToken) ?? true,
            metadata.GetBool(GgufKeys.AddEosToken) ?? false,
            metadata.GetBool(GgufKeys.AddSpacePrefix) ?? true,
            metadata.GetString(GgufKeys.ChatTemplate));
    }
}
