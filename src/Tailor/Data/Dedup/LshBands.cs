namespace Tailor.Data.Dedup;

/// <summary>Band keys of a MinHash signature: one 64-bit hash of each run of <c>rows</c> slots.</summary>
internal static class LshBands
{
    public static void Compute(ReadOnlySpan<uint> signature, int bands, Span<ulong> keys)
    {
        int rows = signature.Length / bands;
        for (int band = 0; band < bands; band++)
        {
            ulong h = 0x9E3779B97F4A7C15UL * (ulong)(band + 1);
            foreach (uint value in signature.Slice(band * rows, rows))
            {
                h = (h ^ value) * 0x100000001B3UL;
                h ^= h >> 29;
            }
            keys[band] = h;
        }
    }
}
