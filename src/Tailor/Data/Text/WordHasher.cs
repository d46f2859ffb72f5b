namespace Tailor.Data.Text;

/// <summary>
/// Splits text into words and hashes each one, in one pass and without allocating strings: a word
/// is a run of letters or digits, compared case-insensitively, so whitespace, punctuation and case
/// never make two texts differ. This is the normalisation every dedup and overlap check shares.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class WordHasher
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Appends the hash of each word of <paramref name="text"/> to <paramref name="words"/>; returns how many it added.</summary>
    public static int HashWords(ReadOnlySpan<char> text, List<ulong> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        int added = 0;
        ulong hash = Offset;
        bool inWord = false;
        foreach (char raw in text)
        {
            char c = raw;
            bool wordChar;
            if (c < 128)
            {
                wordChar = char.IsAsciiLetterOrDigit(c);
                if (c is >= 'A' and <= 'Z')
                {
                    c = (char)(c | 0x20);
                }
            }
            else
            {
                wordChar = char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
                    || char.IsSurrogate(c);
                c = char.ToLowerInvariant(c);
            }
            if (wordChar)
            {
                hash = (hash ^ c) * Prime;
                inWord = true;
            }
            else if (inWord)
            {
                words.Add(Finish(hash));
                added++;
                hash = Offset;
                inWord = false;
            }
        }
        if (inWord)
        {
            words.Add(Finish(hash));
            added++;
        }
        return added;
    }

    /// <summary>FNV-1a spreads poorly in its high bits; a final avalanche fixes that.</summary>
    private static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
