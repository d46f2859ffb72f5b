using System.Globalization;
using System.Text;

namespace Tailor.Local.Tokenizer;

/// <summary>
/// Learns a SentencePiece-style vocabulary from a corpus by byte-pair-style merges over characters, laid out
/// as llama.cpp expects: <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, the 256 byte tokens, control
/// tokens, learned pieces (scores descending in merge order, so llama.cpp merges them in that order), then
/// single characters.
/// </summary>
/// <remarks>
/// Training splits text into chunks that merges never cross: a word with its leading <c>▁</c>, a run of
/// punctuation, one digit, a run of one whitespace character, or one other character. Runs of newlines are
/// kept apart from text so a chat template's "role\n" never fuses with the message. Deterministic: the same
/// corpus and options give the same vocabulary. Stateless; safe to call concurrently.
/// </remarks>
public static class TokenizerTrainer
{
    public const string UnknownToken = "<unk>";
    public const string BosToken = "<s>";
    public const string EosToken = "</s>";

    public static LlamaVocabulary Train(IEnumerable<string> corpus, TokenizerTrainerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new TokenizerTrainerOptions();
        var reserved = new List<string> { UnknownToken, BosToken, EosToken };
        reserved.AddRange(Enumerable.Range(0, 256).Select(b => LlamaVocabulary.ByteTokenText((byte)b)));
        reserved.AddRange(options.ControlTokens);
        if (reserved.Distinct(StringComparer.Ordinal).Count() != reserved.Count)
        {
            throw new ArgumentException("Control tokens must be distinct and differ from <unk>, <s>, </s> and the byte tokens.", nameof(options));
        }

        var budget = options.VocabularySize - reserved.Count;
        if (budget < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"VocabularySize {options.VocabularySize} is below the {reserved.Count} reserved tokens.");
        }

        // 1. Chunk counts over the corpus (control-token texts are cut out, never learned from).
        var chunks = new Dictionary<string, long>(StringComparer.Ordinal);
        var specials = reserved.Take(3).Concat(options.ControlTokens).ToArray();
        foreach (var document in corpus)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var part in SplitOnSpecials(document ?? "", specials))
            {
                foreach (var chunk in Chunk(part.Replace(' ', LlamaVocabulary.SpaceMarker)))
                {
                    chunks[chunk] = chunks.GetValueOrDefault(chunk) + 1;
                }
            }
        }

        // 2. Characters by frequency, up to the coverage (and the budget).
        var characterCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (chunk, count) in chunks)
        {
            foreach (var c in Characters(chunk))
            {
                characterCounts[c] = characterCounts.GetValueOrDefault(c) + count;
            }
        }

        var total = Math.Max(1, characterCounts.Values.Sum());
        var characters = new List<string>();
        long covered = 0;
        foreach (var (c, count) in characterCounts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (characters.Count >= budget || (covered >= options.CharacterCoverage * total && characters.Count > 0))
            {
                break;
            }

            characters.Add(c);
            covered += count;
        }

        // 3. Merges until the vocabulary is full.
        var merges = LearnMerges(chunks, characters, reserved, budget - characters.Count, options, cancellationToken);

        // 4. Layout and scores: specials and bytes score 0; pieces descend in merge order, characters after them.
        var tokens = new List<string>(reserved);
        var types = new List<TokenType> { TokenType.Unknown, TokenType.Control, TokenType.Control };
        types.AddRange(Enumerable.Repeat(TokenType.Byte, 256));
        types.AddRange(Enumerable.Repeat(TokenType.Control, options.ControlTokens.Count));
        var scores = Enumerable.Repeat(0f, reserved.Count).ToList();
        var rank = 0;
        foreach (var piece in merges.Concat(characters))
        {
            tokens.Add(piece);
            types.Add(TokenType.Normal);
            scores.Add(-rank++);
        }

        var endOfTurn = options.ChatTemplate is { } template ? tokens.IndexOf(template.EndOfTurnToken) : -1;
        return new LlamaVocabulary(
            tokens, scores, types,
            bosId: 1, eosId: 2, unknownId: 0,
            endOfTurnId: endOfTurn >= 0 ? endOfTurn : null,
            addBos: options.AddBos,
            addSpacePrefix: options.AddSpacePrefix,
            chatTemplate: options.ChatTemplate?.Jinja);
    }

    private static List<string> LearnMerges(
        Dictionary<string, long> chunks,
        List<string> characters,
        List<string> reserved,
        int maxMerges,
        TokenizerTrainerOptions options,
        CancellationToken cancellationToken)
    {
        var pieces = new List<string>(characters);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < pieces.Count; i++)
        {
            ids[pieces[i]] = i;
        }

        var forbidden = new HashSet<string>(reserved, StringComparer.Ordinal);

        // Words: runs of in-vocabulary characters (a character without a token splits a chunk).
        var words = new List<List<int>>();
        var counts = new List<long>();
        foreach (var (chunk, count) in chunks.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var word = new List<int>();
            foreach (var c in Characters(chunk))
            {
                if (ids.TryGetValue(c, out var id))
                {
                    word.Add(id);
                    continue;
                }

                Flush();
            }

            Flush();

            void Flush()
            {
                if (word.Count > 1)
                {
                    words.Add(word);
                    counts.Add(count);
                }

                word = [];
            }
        }

        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        var queue = new PriorityQueue<long, (long Count, string Text)>(Comparer<(long Count, string Text)>.Create(
            (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Text, b.Text)));
        var banned = new HashSet<long>();

        static long Key(int a, int b) => ((long)a << 32) | (uint)b;
        string Text(long key) => pieces[(int)(key >> 32)] + pieces[(int)(key & 0xffffffff)];
        void AddPairs(int w, long sign)
        {
            var word = words[w];
            for (var i = 0; i + 1 < word.Count; i++)
            {
                var key = Key(word[i], word[i + 1]);
                var updated = pairCounts.GetValueOrDefault(key) + sign * counts[w];
                pairCounts[key] = updated;
                if (sign > 0)
                {
                    if (!pairWords.TryGetValue(key, out var set))
                    {
                        pairWords[key] = set = [];
                    }

                    set.Add(w);
                    if (!banned.Contains(key))
                    {
                        queue.Enqueue(key, (updated, Text(key)));
                    }
                }
            }
        }

        for (var w = 0; w < words.Count; w++)
        {
            AddPairs(w, +1);
        }

        var merges = new List<string>();
        while (merges.Count < maxMerges && queue.TryDequeue(out var best, out var priority))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = pairCounts.GetValueOrDefault(best);
            if (banned.Contains(best))
            {
                continue;
            }

            if (current != priority.Count)
            {
                // Stale entry. A count that grew was queued when it grew; one that shrank is queued again now.
                if (current < priority.Count && current > 0)
                {
                    queue.Enqueue(best, (current, priority.Text));
                }

                continue;
            }

            if (current < options.MinPairCount)
            {
                break;
            }

            var merged = priority.Text;
            if (merged.Length > options.MaxPieceLength || forbidden.Contains(merged))
            {
                banned.Add(best);
                continue;
            }

            if (!ids.TryGetValue(merged, out var mergedId))
            {
                mergedId = pieces.Count;
                pieces.Add(merged);
                ids[merged] = mergedId;
                merges.Add(merged);
            }

            var (left, right) = ((int)(best >> 32), (int)(best & 0xffffffff));
            foreach (var w in pairWords[best].ToList())
            {
                var word = words[w];
                if (!ContainsPair(word, left, right))
                {
                    continue;
                }

                AddPairs(w, -1);
                var replaced = new List<int>(word.Count);
                for (var i = 0; i < word.Count; i++)
                {
                    if (i + 1 < word.Count && word[i] == left && word[i + 1] == right)
                    {
                        replaced.Add(mergedId);
                        i++;
                    }
                    else
                    {
                        replaced.Add(word[i]);
                    }
                }

                words[w] = replaced;
                AddPairs(w, +1);
            }

            banned.Add(best);
        }

        return merges;
    }

    private static bool ContainsPair(List<int> word, int left, int right)
    {
        for (var i = 0; i + 1 < word.Count; i++)
        {
            if (word[i] == left && word[i + 1] == right)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> SplitOnSpecials(string text, string[] specials)
    {
        var start = 0;
        while (start < text.Length)
        {
            var next = -1;
            var length = 0;
            foreach (var special in specials)
            {
                var at = text.IndexOf(special, start, StringComparison.Ordinal);
                if (at >= 0 && (next < 0 || at < next))
                {
                    next = at;
                    length = special.Length;
                }
            }

            if (next < 0)
            {
                yield return text[start..];
                yield break;
            }

            if (next > start)
            {
                yield return text[start..next];
            }

            start = next + length;
        }
    }

    private enum Kind
    {
        Marker,
        Letter,
        Digit,
        Punctuation,
        Whitespace,
        Other,
    }

    private static Kind KindOf(Rune rune)
    {
        if (rune.Value == LlamaVocabulary.SpaceMarker)
        {
            return Kind.Marker;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber => Kind.Digit,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.ModifierSymbol => Kind.Punctuation,
            _ when Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) => Kind.Whitespace,
            _ => Kind.Other,
        };
    }

    /// <summary>Training chunks of escaped text (spaces already <c>▁</c>); merges never cross chunk boundaries.</summary>
    internal static IEnumerable<string> Chunk(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        var offsets = new int[runes.Length + 1];
        for (var r = 0; r < runes.Length; r++)
        {
            offsets[r + 1] = offsets[r] + runes[r].Utf16SequenceLength;
        }

        string Slice(int from, int to) => text[offsets[from]..offsets[to]];
        int RunEnd(int from, Func<int, bool> same)
        {
            var end = from + 1;
            while (end < runes.Length && same(end))
            {
                end++;
            }

            return end;
        }

        var i = 0;
        while (i < runes.Length)
        {
            var kind = KindOf(runes[i]);
            int end;
            switch (kind)
            {
                case Kind.Marker:
                {
                    var markersEnd = RunEnd(i, j => KindOf(runes[j]) == Kind.Marker);
                    var following = markersEnd < runes.Length ? KindOf(runes[markersEnd]) : Kind.Whitespace;
                    if (following is Kind.Letter or Kind.Punctuation)
                    {
                        if (markersEnd - 1 > i)
                        {
                            yield return Slice(i, markersEnd - 1);
                        }

                        end = RunEnd(markersEnd, j => KindOf(runes[j]) == following);
                        yield return Slice(markersEnd - 1, end);
                    }
                    else
                    {
                        end = markersEnd;
                        yield return Slice(i, end);
                    }

                    break;
                }

                case Kind.Letter or Kind.Punctuation:
                    end = RunEnd(i, j => KindOf(runes[j]) == kind);
                    yield return Slice(i, end);
                    break;
                case Kind.Whitespace:
                    end = RunEnd(i, j => runes[j] == runes[i]);
                    yield return Slice(i, end);
                    break;
                default:
                    end = i + 1;
                    yield return Slice(i, end);
                    break;
            }

            i = end;
        }
    }

    private static IEnumerable<string> Characters(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            yield return rune.ToString();
        }
    }
}
