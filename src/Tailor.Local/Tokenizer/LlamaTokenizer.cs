using System.Text;

namespace Tailor.Local.Tokenizer;

/// <summary>
/// Tokenizes exactly as llama.cpp does for a SentencePiece-style (<c>llama</c>) vocabulary: special tokens are
/// split out first (control tokens only when parsing specials, longest first), then each text fragment has its
/// spaces replaced by <c>▁</c> (plus a leading one when <see cref="LlamaVocabulary.AddSpacePrefix"/> asks for it)
/// and is merged pair by pair, highest score first (ties: leftmost), starting from single characters; characters
/// left without a token become byte tokens <c>&lt;0xAB&gt;</c>.
/// </summary>
/// <remarks>Stateless apart from the immutable vocabulary: safe to use from many threads.</remarks>
public sealed class LlamaTokenizer
{
    private readonly LlamaVocabulary _vocabulary;
    private readonly int[] _byteTokens = new int[256];
    private readonly (int Id, string Text)[] _specialAll;
    private readonly (int Id, string Text)[] _specialUserDefined;

    public LlamaTokenizer(LlamaVocabulary vocabulary)
    {
        _vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        for (var b = 0; b < 256; b++)
        {
            _byteTokens[b] = vocabulary.TokenId(LlamaVocabulary.ByteTokenText((byte)b))
                ?? vocabulary.TokenId(((char)b).ToString())
                ?? -1;
        }

        // llama.cpp partitions with longer special texts first; equal lengths keep id order here.
        var specials = Enumerable.Range(0, vocabulary.Count)
            .Where(i => vocabulary.Types[i] is TokenType.Control or TokenType.UserDefined or TokenType.Unknown && vocabulary.Tokens[i].Length > 0)
            .OrderByDescending(i => Encoding.UTF8.GetByteCount(vocabulary.Tokens[i]))
            .ThenBy(i => i)
            .Select(i => (i, vocabulary.Tokens[i]))
            .ToArray();
        _specialAll = specials;
        _specialUserDefined = specials.Where(s => vocabulary.Types[s.i] == TokenType.UserDefined).ToArray();
        ControlTexts = ControlTokenText.Of(vocabulary);
    }

    public LlamaVocabulary Vocabulary => _vocabulary;

    /// <summary>The texts read as tokens only with special parsing on (see <see cref="ControlTokenText"/>).</summary>
    public IReadOnlyList<string> ControlTexts { get; }

    /// <summary>Token ids of <paramref name="text"/>, as <c>llama_tokenize(vocab, text, add_special, parse_special)</c> returns them.</summary>
    /// <param name="text">Any text; unpaired surrogates are replaced by U+FFFD, as UTF-8 encoding does.</param>
    /// <param name="addSpecial">Add BOS/EOS as the vocabulary's flags ask.</param>
    /// <param name="parseSpecial">Recognise control tokens written in the text (e.g. a rendered chat template).</param>
    public int[] Encode(string text, bool addSpecial = true, bool parseSpecial = false) => EncodeWithOffsets(text, addSpecial, parseSpecial).Ids;

    /// <summary>Like <see cref="Encode"/>, with the characters of <paramref name="text"/> each token came from.</summary>
    public (int[] Ids, TokenOffset[] Offsets) EncodeWithOffsets(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = ReplaceLoneSurrogates(text);
        var ids = new List<int>(text.Length / 3 + 2);
        var offsets = new List<TokenOffset>(ids.Capacity);
        var isPreviousSpecial = true;
        if (addSpecial && _vocabulary.AddBos)
        {
            ids.Add(_vocabulary.BosId);
            offsets.Add(new TokenOffset(0, 0));
        }

        foreach (var fragment in Partition(text, parseSpecial ? _specialAll : _specialUserDefined))
        {
            if (fragment.TokenId >= 0)
            {
                ids.Add(fragment.TokenId);
                offsets.Add(new TokenOffset(fragment.Start, fragment.Length));
                isPreviousSpecial = true;
            }
            else
            {
                EncodeText(text, fragment.Start, fragment.Length, _vocabulary.AddSpacePrefix && isPreviousSpecial, ids, offsets);
                isPreviousSpecial = false;
            }
        }

        if (addSpecial && _vocabulary.AddEos)
        {
            ids.Add(_vocabulary.EosId);
            offsets.Add(new TokenOffset(text.Length, 0));
        }

        return (ids.ToArray(), offsets.ToArray());
    }

    /// <summary>The bytes llama.cpp's <c>llama_token_to_piece</c> gives for token <paramref name="id"/>.</summary>
    /// <param name="id">The token.</param>
    /// <param name="renderSpecial">Render control tokens as their text (otherwise they are empty).</param>
    public byte[] DecodePiece(int id, bool renderSpecial = false)
    {
        var text = _vocabulary.Tokens[id];
        return _vocabulary.Types[id] switch
        {
            TokenType.Normal => Encoding.UTF8.GetBytes(text.Replace(LlamaVocabulary.SpaceMarker, ' ')),
            TokenType.Byte => [ParseByteToken(text)],
            TokenType.UserDefined => Encoding.UTF8.GetBytes(text),
            TokenType.Control => renderSpecial ? Encoding.UTF8.GetBytes(text) : [],
            TokenType.Unknown => renderSpecial ? Encoding.UTF8.GetBytes(text) : [],
            _ => [],
        };
    }

    /// <summary>Text of a token sequence: the pieces' bytes joined, then read as UTF-8 (so byte tokens that form a character combine).</summary>
    public string Decode(IEnumerable<int> ids, bool renderSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            bytes.AddRange(DecodePiece(id, renderSpecial));
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private void EncodeText(string text, int start, int length, bool prefixSpace, List<int> ids, List<TokenOffset> offsets)
    {
        var prefix = prefixSpace ? 1 : 0;
        var n = length + prefix;
        if (n == 0)
        {
            return;
        }

        // buffer[i] is text[start + i - prefix]; spaces become the SentencePiece marker.
        var buffer = new char[n];
        if (prefixSpace)
        {
            buffer[0] = LlamaVocabulary.SpaceMarker;
        }

        for (var i = 0; i < length; i++)
        {
            var c = text[start + i];
            buffer[i + prefix] = c == ' ' ? LlamaVocabulary.SpaceMarker : c;
        }

        // One symbol per character (a surrogate pair is one character), linked as a list.
        var symbolStart = new List<int>(n);
        for (var i = 0; i < n; i += char.IsHighSurrogate(buffer[i]) && i + 1 < n ? 2 : 1)
        {
            symbolStart.Add(i);
        }

        var count = symbolStart.Count;
        var offset = new int[count];
        var size = new int[count];
        var next = new int[count];
        var previous = new int[count];
        for (var i = 0; i < count; i++)
        {
            offset[i] = symbolStart[i];
            size[i] = (i + 1 < count ? symbolStart[i + 1] : n) - symbolStart[i];
            previous[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }

        var lookup = _vocabulary.Lookup;
        var queue = new PriorityQueue<Bigram, Bigram>(BigramOrder.Instance);
        void TryAddBigram(int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }

            var merged = buffer.AsSpan(offset[left], size[left] + size[right]);
            if (lookup.TryGetValue(merged, out var token))
            {
                var bigram = new Bigram(left, right, _vocabulary.Scores[token], merged.Length);
                queue.Enqueue(bigram, bigram);
            }
        }

        for (var i = 1; i < count; i++)
        {
            TryAddBigram(i - 1, i);
        }

        while (queue.TryDequeue(out var bigram, out _))
        {
            // Stale entry: one side was merged away or grew since the pair was queued.
            if (size[bigram.Left] == 0 || size[bigram.Right] == 0 || size[bigram.Left] + size[bigram.Right] != bigram.Size)
            {
                continue;
            }

            size[bigram.Left] += size[bigram.Right];
            size[bigram.Right] = 0;
            next[bigram.Left] = next[bigram.Right];
            if (next[bigram.Right] >= 0)
            {
                previous[next[bigram.Right]] = bigram.Left;
            }

            TryAddBigram(previous[bigram.Left], bigram.Left);
            TryAddBigram(bigram.Left, next[bigram.Left]);
        }

        for (var i = 0; i != -1; i = next[i])
        {
            var piece = buffer.AsSpan(offset[i], size[i]);
            var from = Math.Max(start, start + offset[i] - prefix);
            var to = start + offset[i] + size[i] - prefix;
            var span = new TokenOffset(from, to - from);
            if (lookup.TryGetValue(piece, out var token))
            {
                ids.Add(token);
                offsets.Add(span);
                continue;
            }

            foreach (var b in Encoding.UTF8.GetBytes(piece.ToArray()))
            {
                ids.Add(_byteTokens[b] >= 0 ? _byteTokens[b] : throw new InvalidOperationException($"The vocabulary has no byte token {LlamaVocabulary.ByteTokenText(b)}; llama.cpp would abort here."));
                offsets.Add(span);
            }
        }
    }

    /// <summary>Splits text around special tokens the way llama.cpp's <c>tokenizer_st_partition</c> does.</summary>
    private static List<Fragment> Partition(string text, (int Id, string Text)[] specials)
    {
        var fragments = new List<Fragment> { new(-1, 0, text.Length) };
        if (text.Length == 0)
        {
            return [];
        }

        foreach (var (id, special) in specials)
        {
            var result = new List<Fragment>(fragments.Count + 2);
            foreach (var fragment in fragments)
            {
                if (fragment.TokenId >= 0)
                {
                    result.Add(fragment);
                    continue;
                }

                var position = fragment.Start;
                var end = fragment.Start + fragment.Length;
                while (position < end)
                {
                    var match = text.IndexOf(special, position, end - position, StringComparison.Ordinal);
                    if (match < 0)
                    {
                        break;
                    }

                    if (match > position)
                    {
                        result.Add(new Fragment(-1, position, match - position));
                    }

                    result.Add(new Fragment(id, match, special.Length));
                    position = match + special.Length;
                }

                if (position < end)
                {
                    result.Add(new Fragment(-1, position, end - position));
                }
            }

            fragments = result;
        }

        return fragments;
    }

    private static byte ParseByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            ? Convert.ToByte(text.Substring(3, 2), 16)
            : throw new FormatException($"'{text}' is typed as a byte token but is not of the form <0xAB>.");

    private static string ReplaceLoneSurrogates(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]))
            {
                // UTF-8 round trip: valid pairs stay, lone halves become U+FFFD (one char each, so offsets hold).
                return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
            }
        }

        return text;
    }

    private readonly record struct Fragment(int TokenId, int Start, int Length);

    private readonly record struct Bigram(int Left, int Right, float Score, int Size);

    /// <summary>Highest score first; on equal scores the leftmost pair, as llama.cpp's queue orders them.</summary>
    private sealed class BigramOrder : IComparer<Bigram>
    {
        public static readonly BigramOrder Instance = new();

        public int Compare(Bigram x, Bigram y)
        {
            var byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Left.CompareTo(y.Left);
        }
    }
}
