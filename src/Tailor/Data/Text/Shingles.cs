namespace Tailor.Data.Text;

/// <summary>
/// Word n-grams ("shingles") as 64-bit hashes: each window of <c>n</c> consecutive word hashes
/// becomes one hash. A text shorter than <c>n</c> words is one shingle of all its words, so short
/// texts still compare.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class Shingles
{
    public static void Build(ReadOnlySpan<ulong> words, int n, List<ulong> shingles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentNullException.ThrowIfNull(shingles);
        if (words.IsEmpty)
        {
            return;
        }
        int windows = Math.Max(1, words.Length - n + 1);
        int width = Math.Min(n, words.Length);
        for (int start = 0; start < windows; start++)
        {
            shingles.Add(Hash(words.Slice(start, width)));
        }
    }

    /// <summary>The hash of a window of word hashes; order matters.</summary>
    public static ulong Hash(ReadOnlySpan<ulong> window)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)window.Length;
        foreach (ulong w in window)
        {
            h = (h ^ w) * 0xbf58476d1ce4e5b9UL;
            h ^= h >> 31;
        }
        return h;
    }
}
