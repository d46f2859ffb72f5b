using System.Buffers;
using System.Runtime.CompilerServices;
using Tailor.Moderation.Normalization;

namespace Tailor.Moderation.Local;

/// <summary>
/// Turns text into hashed features for the local classifier (<see cref="LocalFeatures"/>): each word, each pair of
/// neighbouring different words, and the character n-grams of each word with its boundaries (<c>&lt;kil</c>,
/// <c>kill</c>, <c>ill&gt;</c>), so inflections and misspellings share features. Text is folded first
/// (<see cref="TextFolding"/>, leetspeak included) so disguises land on the same features as the plain words. A word
/// repeated right after itself makes no pair: "your your password" has the features of "your password".
/// </summary>
/// <remarks>Stateless and thread-safe. Hashes are FNV-1a with a final mix: stable across processes and machines.</remarks>
internal static class FeatureHasher
{
    /// <summary>Characters of a word that count; very long "words" are hashes or noise, their start is enough.</summary>
    public const int MaxWordLength = 40;

    /// <summary>Hands <paramref name="sink"/> the features of each word in order (a word's pair with its predecessor included).</summary>
    /// <remarks>A text of <c>n</c> characters yields at most <see cref="MaxFeatures"/>(n) features in all.</remarks>
    public static void ForEachWord<TSink>(ReadOnlySpan<char> text, LocalFeatures settings, int mask, ref TSink sink)
        where TSink : struct, IWordSink
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        Span<int> features = stackalloc int[MaxFeaturesPerWord(settings)];
        try
        {
            int n = TextFolding.Fold(text, buffer, default, leetspeak: true);
            var folded = buffer.AsSpan(0, n);
            uint previous = 0;
            bool hasPrevious = false;
            int i = 0;
            while (i < folded.Length)
            {
                if (!TextFolding.IsWordChar(folded[i]))
                {
                    i++;
                    continue;
                }
                int start = i;
                while (i < folded.Length && TextFolding.IsWordChar(folded[i]))
                {
                    i++;
                }
                var word = folded[start..Math.Min(i, start + MaxWordLength)];
                uint h = Hash(word, 0x811C9DC5u);
                int count = 0;
                features[count++] = Bucket(h, 1, mask);
                if (hasPrevious && settings.WordPairs && h != previous)
                {
                    features[count++] = Bucket(previous * 0x01000193u ^ h, 2, mask);
                }
                for (int gram = settings.CharGramMin; gram <= settings.CharGramMax; gram++)
                {
                    count = AddCharGrams(word, gram, features, count, mask);
                }
                sink.OnWord(features[..count]);
                previous = h;
                hasPrevious = true;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>An upper bound of the features a text of <paramref name="length"/> characters yields.</summary>
    public static int MaxFeatures(int length, LocalFeatures settings)
    {
        // At most (length + 1) / 2 words; a word of w characters gives itself, a pair and (w + 3 - gram) n-grams of each length.
        int words = length / 2 + 1;
        int grams = settings.CharGramMax - settings.CharGramMin + 1;
        return 2 * words + grams * (length + 3 * words);
    }

    // A word of the longest length gives (length + 2 - gram + 1) n-grams of each length, plus itself and its pair.
    private static int MaxFeaturesPerWord(LocalFeatures settings)
    {
        int total = 2;
        for (int gram = settings.CharGramMin; gram <= settings.CharGramMax; gram++)
        {
            total += Math.Max(0, MaxWordLength + 3 - gram);
        }
        return total;
    }

    private static int AddCharGrams(ReadOnlySpan<char> word, int gram, Span<int> features, int count, int mask)
    {
        // "<" + word + ">" without building it: position 0 is '<', position word.Length + 1 is '>'.
        int padded = word.Length + 2;
        for (int start = 0; start + gram <= padded; start++)
        {
            uint h = 0x811C9DC5u;
            for (int k = start; k < start + gram; k++)
            {
                char c = k == 0 ? '<' : k == padded - 1 ? '>' : word[k - 1];
                h = (h ^ c) * 0x01000193u;
            }
            features[count++] = Bucket(h, 3, mask);
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<char> text, uint seed)
    {
        uint h = seed;
        foreach (char c in text)
        {
            h = (h ^ c) * 0x01000193u;
        }
        return h;
    }

    // murmur3's finaliser spreads FNV's low bits; the kind keeps words, pairs and grams apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bucket(uint h, uint kind, int mask)
    {
        h ^= kind * 0x9E3779B9u;
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return (int)(h & (uint)mask);
    }
}

/// <summary>Receives the feature buckets of each word; a struct so the calls are inlined.</summary>
internal interface IWordSink
{
    void OnWord(ReadOnlySpan<int> buckets);
}
