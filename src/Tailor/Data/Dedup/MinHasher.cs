using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tailor.Data.Dedup;

/// <summary>
/// MinHash signatures: for each of <see cref="Permutations"/> hash functions, the minimum over a
/// text's shingles. Two texts agree on a signature slot with probability equal to the Jaccard
/// similarity of their shingle sets. The functions are <c>fmix32(x ^ seed_i)</c> (MurmurHash3's
/// finaliser, a bijection on 32 bits) over seeded random <c>seed_i</c>, computed 8 lanes at a time.
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
public sealed class MinHasher
{
    private readonly uint[] _seeds;

    /// <param name="permutations">Signature length; a multiple of 8.</param>
    /// <param name="seed">Seeds the hash functions: signatures compare only between hashers with the same seed.</param>
    public MinHasher(int permutations = 128, int seed = 1)
    {
        if (permutations < 8 || permutations % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(permutations), permutations, "the number of permutations is a positive multiple of 8");
        }
        var random = new Random(seed);
        _seeds = new uint[permutations];
        for (int i = 0; i < permutations; i++)
        {
            _seeds[i] = (uint)random.NextInt64(0, 1L << 32);
        }
    }

    public int Permutations => _seeds.Length;

    /// <summary>Fills <paramref name="signature"/> (length <see cref="Permutations"/>) from <paramref name="shingles"/>; all slots are <see cref="uint.MaxValue"/> for an empty set.</summary>
    public void Compute(ReadOnlySpan<ulong> shingles, Span<uint> signature)
    {
        if (signature.Length != _seeds.Length)
        {
            throw new ArgumentException($"the signature holds {_seeds.Length} values", nameof(signature));
        }
        signature.Fill(uint.MaxValue);
        var seeds = MemoryMarshal.Cast<uint, Vector256<uint>>(_seeds.AsSpan());
        var mins = MemoryMarshal.Cast<uint, Vector256<uint>>(signature);
        var m1 = Vector256.Create(0x85ebca6bu);
        var m2 = Vector256.Create(0xc2b2ae35u);
        foreach (ulong shingle in shingles)
        {
            var x = Vector256.Create((uint)(shingle ^ (shingle >> 32)));
            for (int i = 0; i < seeds.Length; i++)
            {
                var h = x ^ seeds[i];
                h ^= Vector256.ShiftRightLogical(h, 16);
                h *= m1;
                h ^= Vector256.ShiftRightLogical(h, 13);
                h *= m2;
                h ^= Vector256.ShiftRightLogical(h, 16);
                mins[i] = Vector256.Min(mins[i], h);
            }
        }
    }

    /// <summary>Estimated Jaccard similarity of two full signatures: the share of equal slots.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        int equal = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                equal++;
            }
        }
        return (double)equal / a.Length;
    }
}
