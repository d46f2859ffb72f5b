namespace Tailor.Local.Tokenizer;

/// <summary>Settings of <see cref="TokenizerTrainer"/>. Immutable.</summary>
public sealed record TokenizerTrainerOptions
{
    /// <summary>Largest vocabulary: 3 specials + 256 byte tokens + control tokens + characters + learned pieces (fewer when the corpus runs out of pairs seen <see cref="MinPairCount"/> times).</summary>
    public int VocabularySize { get; init; } = 2048;

    /// <summary>Control tokens after the byte tokens, in this order; defaults to the chat template's.</summary>
    public IReadOnlyList<string> ControlTokens { get; init; } = ChatTemplate.ChatMl.ControlTokens;

    /// <summary>Chat template stored with the vocabulary (<c>tokenizer.chat_template</c>); null stores none.</summary>
    public ChatTemplate? ChatTemplate { get; init; } = ChatTemplate.ChatMl;

    /// <summary>A pair seen fewer times than this is never merged.</summary>
    public int MinPairCount { get; init; } = 2;

    /// <summary>Longest learned piece, in characters.</summary>
    public int MaxPieceLength { get; init; } = 16;

    /// <summary>Share of character occurrences that get a token of their own; rarer characters fall back to bytes.</summary>
    public double CharacterCoverage { get; init; } = 0.9995;

    /// <summary>SentencePiece's dummy space prefix. Off by default so a chat turn's text is tokenized as written.</summary>
    public bool AddSpacePrefix { get; init; }

    public bool AddBos { get; init; } = true;
}
