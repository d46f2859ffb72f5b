using System.Runtime.InteropServices;
using Tailor.Data.Dedup;
using Tailor.Data.Text;

namespace Tailor.Data.Decontamination;

/// <summary>
/// The eval texts, indexed for the three overlap tests: exact word sequences, word n-grams, and
/// MinHash band keys. <see cref="Find"/> checks one training example against all of them.
/// </summary>
/// <remarks>Immutable once built; <see cref="Find"/> is thread-safe.</remarks>
public sealed class ContaminationIndex
{
    private readonly List<EvalText> _texts = [];
    private readonly Dictionary<UInt128, int> _exact = [];
    private readonly Dictionary<ulong, int> _ngrams = [];
    private readonly List<int> _ngramCounts = [];
    private readonly SortedDictionary<int, Dictionary<ulong, int>> _shortTexts = [];
    private readonly Dictionary<ulong, List<int>> _bands = [];
    private readonly List<uint[]> _signatures = [];
    private readonly MinHasher _hasher;

    private ContaminationIndex(DecontaminationOptions options)
    {
        Options = options;
        options.Lsh.Validate();
        _hasher = new MinHasher(options.Lsh.Permutations, options.Lsh.Seed);
    }

    public DecontaminationOptions Options { get; }

    public IReadOnlyList<EvalText> Texts => _texts;

    public static ContaminationIndex Build(IEnumerable<EvalText> texts, DecontaminationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var index = new ContaminationIndex(options ?? new DecontaminationOptions());
        foreach (var text in texts)
        {
            index.Add(text);
        }
        return index;
    }

    private void Add(EvalText text)
    {
        var words = new List<ulong>();
        WordHasher.HashWords(text.Text, words);
        if (words.Count == 0)
        {
            return;
        }
        int id = _texts.Count;
        _texts.Add(text);
        var span = CollectionsMarshal.AsSpan(words);
        _exact.TryAdd(Hash(span), id);

        int n = Options.NGram;
        var distinct = new HashSet<ulong>();
        if (span.Length >= n)
        {
            for (int i = 0; i + n <= span.Length; i++)
            {
                ulong gram = Shingles.Hash(span.Slice(i, n));
                distinct.Add(gram);
                _ngrams.TryAdd(gram, id);
            }
        }
        else if (span.Length >= Options.MinShortTextWords)
        {
            if (!_shortTexts.TryGetValue(span.Length, out var grams))
            {
                _shortTexts[span.Length] = grams = [];
            }
            grams.TryAdd(Shingles.Hash(span), id);
            distinct.Add(0);
        }
        _ngramCounts.Add(Math.Max(1, distinct.Count));

        var signature = Signature(span);
        _signatures.Add(signature);
        Span<ulong> keys = stackalloc ulong[Options.Lsh.Bands];
        LshBands.Compute(signature, Options.Lsh.Bands, keys);
        for (int band = 0; band < keys.Length; band++)
        {
            ulong key = keys[band] ^ (ulong)band;
            if (!_bands.TryGetValue(key, out var list))
            {
                _bands[key] = list = [];
            }
            list.Add(id);
        }
    }

    /// <summary>The strongest overlap of <paramref name="conversation"/> with an eval text (exact, then n-gram, then near); null when clean.</summary>
    public ContaminationMatch? Find(Conversation conversation, long line = 0)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (_texts.Count == 0)
        {
            return null;
        }
        var words = new List<ulong>();
        if (Options.Exact && FindExact(conversation, words) is { } exact)
        {
            return new ContaminationMatch(line, _texts[exact], ContaminationMethod.Exact, 1);
        }
        if (Options.NGrams && FindNGram(conversation, words) is { } ngram)
        {
            return new ContaminationMatch(line, _texts[ngram.Id], ContaminationMethod.NGram, Math.Round(ngram.Score, 4));
        }
        if (Options.Near && FindNear(conversation, words) is { } near)
        {
            return new ContaminationMatch(line, _texts[near.Id], ContaminationMethod.NearDuplicate, Math.Round(near.Score, 4));
        }
        return null;
    }

    private int? FindExact(Conversation conversation, List<ulong> words)
    {
        if (conversation.Text is { } text)
        {
            return Lookup(text);
        }
        foreach (var message in conversation.Messages)
        {
            // Eval texts are inputs: an answer that happens to equal a short one ("Hello!") is not a leak.
            if (message.Role == MessageRole.User && message.Content is { } content && Lookup(content) is { } id)
            {
                return id;
            }
        }
        words.Clear();
        ConversationWords.Hash(conversation, words, ConversationPart.Prompts);
        return words.Count > 0 && _exact.TryGetValue(Hash(CollectionsMarshal.AsSpan(words)), out int all) ? all : null;

        int? Lookup(string content)
        {
            words.Clear();
            WordHasher.HashWords(content, words);
            return words.Count > 0 && _exact.TryGetValue(Hash(CollectionsMarshal.AsSpan(words)), out int found) ? found : null;
        }
    }

    private (int Id, double Score)? FindNGram(Conversation conversation, List<ulong> words)
    {
        words.Clear();
        ConversationWords.Hash(conversation, words);
        var span = CollectionsMarshal.AsSpan(words);
        foreach (var (length, grams) in _shortTexts)
        {
            for (int i = 0; i + length <= span.Length; i++)
            {
                if (grams.TryGetValue(Shingles.Hash(span.Slice(i, length)), out int id))
                {
                    return (id, 1.0);
                }
            }
        }
        if (_ngrams.Count == 0)
        {
            return null;
        }
        Dictionary<int, HashSet<ulong>>? hits = null;
        int n = Options.NGram;
        for (int i = 0; i + n <= span.Length; i++)
        {
            ulong gram = Shingles.Hash(span.Slice(i, n));
            if (_ngrams.TryGetValue(gram, out int id))
            {
                hits ??= [];
                if (!hits.TryGetValue(id, out var set))
                {
                    hits[id] = set = [];
                }
                set.Add(gram);
            }
        }
        if (hits is null)
        {
            return null;
        }
        var best = hits.MaxBy(h => (double)h.Value.Count / _ngramCounts[h.Key]);
        return (best.Key, Math.Min(1, (double)best.Value.Count / _ngramCounts[best.Key]));
    }

    private (int Id, double Score)? FindNear(Conversation conversation, List<ulong> words)
    {
        words.Clear();
        ConversationWords.Hash(conversation, words, conversation.IsText ? ConversationPart.All : ConversationPart.Prompts);
        if (words.Count == 0)
        {
            return null;
        }
        var signature = Signature(CollectionsMarshal.AsSpan(words));
        Span<ulong> keys = stackalloc ulong[Options.Lsh.Bands];
        LshBands.Compute(signature, Options.Lsh.Bands, keys);
        (int Id, double Score)? best = null;
        for (int band = 0; band < keys.Length; band++)
        {
            if (!_bands.TryGetValue(keys[band] ^ (ulong)band, out var candidates))
            {
                continue;
            }
            foreach (int id in candidates)
            {
                double similarity = MinHasher.Similarity(signature, _signatures[id]);
                if (similarity >= Options.Lsh.Threshold && (best is null || similarity > best.Value.Score))
                {
                    best = (id, similarity);
                }
            }
        }
        return best;
    }

    private uint[] Signature(ReadOnlySpan<ulong> words)
    {
        var shingles = new List<ulong>(words.Length);
        Shingles.Build(words, Options.Lsh.ShingleSize, shingles);
        var signature = new uint[Options.Lsh.Permutations];
        _hasher.Compute(CollectionsMarshal.AsSpan(shingles), signature);
        return signature;
    }

    private static UInt128 Hash(ReadOnlySpan<ulong> words) => System.IO.Hashing.XxHash128.HashToUInt128(MemoryMarshal.AsBytes(words));
}
