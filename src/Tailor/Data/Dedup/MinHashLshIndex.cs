namespace Tailor.Data.Dedup;

/// <summary>
/// Holds the MinHash signatures of many documents compactly (16 bits per slot, 256 bytes per
/// document at 128 permutations, plus 8 bytes per band) and clusters them: documents sharing a band
/// are candidates, candidates whose estimated similarity reaches the threshold are joined. Bands are
/// processed one at a time by sorting, so clustering needs only one extra key array.
/// </summary>
/// <remarks>
/// <see cref="Reserve"/> is not thread-safe; <see cref="Set"/> is safe from many threads for distinct
/// indices (the way a parallel pass fills it). Clustering is single-threaded.
/// </remarks>
public sealed class MinHashLshIndex
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<ushort[]> _signatures = [];
    private readonly List<ulong[]> _bandKeys = [];
    private readonly int _permutations;
    private readonly int _bands;

    public MinHashLshIndex(LshParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        Parameters = parameters;
        _permutations = parameters.Permutations;
        _bands = parameters.Bands;
    }

    public LshParameters Parameters { get; }

    public int Count { get; private set; }

    /// <summary>Bytes held by signatures and band keys.</summary>
    public long MemoryBytes => (long)_signatures.Count * ChunkSize * (_permutations * 2L + _bands * 8L);

    /// <summary>Makes room for <paramref name="count"/> more documents; returns the index of the first.</summary>
    public int Reserve(int count)
    {
        int first = Count;
        Count += count;
        while (_signatures.Count * (long)ChunkSize < Count)
        {
            _signatures.Add(new ushort[ChunkSize * _permutations]);
            _bandKeys.Add(new ulong[ChunkSize * _bands]);
        }
        return first;
    }

    /// <summary>Stores the signature of document <paramref name="index"/> (full 32-bit values; bands use all bits).</summary>
    public void Set(int index, ReadOnlySpan<uint> signature)
    {
        var chunk = _signatures[index >> ChunkBits].AsSpan((index & (ChunkSize - 1)) * _permutations, _permutations);
        for (int i = 0; i < _permutations; i++)
        {
            chunk[i] = (ushort)signature[i];
        }
        LshBands.Compute(signature, _bands, _bandKeys[index >> ChunkBits].AsSpan((index & (ChunkSize - 1)) * _bands, _bands));
    }

    /// <summary>Estimated Jaccard similarity of two stored documents (16-bit slots, corrected for chance agreement).</summary>
    public double Similarity(int a, int b)
    {
        var x = Signature(a);
        var y = Signature(b);
        int equal = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == y[i])
            {
                equal++;
            }
        }
        const double Chance = 1.0 / 65536;
        double p = (double)equal / x.Length;
        return Math.Max(0, (p - Chance) / (1 - Chance));
    }

    private ReadOnlySpan<ushort> Signature(int index) =>
        _signatures[index >> ChunkBits].AsSpan((index & (ChunkSize - 1)) * _permutations, _permutations);

    private ulong BandKey(int index, int band) => _bandKeys[index >> ChunkBits][(index & (ChunkSize - 1)) * _bands + band];

    /// <summary>
    /// Joins, in <paramref name="sets"/>, every pair of documents (among those <paramref name="include"/> accepts)
    /// that share a band and reach the threshold. Within a bucket each document is compared with at most
    /// <paramref name="maxComparisons"/> earlier ones, which bounds the work on huge buckets of near-identical texts.
    /// </summary>
    /// <returns>The number of similarity checks made.</returns>
    internal long Cluster(UnionFind sets, Func<int, bool>? include = null, int maxComparisons = 32, CancellationToken cancellationToken = default)
    {
        var members = new List<int>(Count);
        for (int i = 0; i < Count; i++)
        {
            if (include is null || include(i))
            {
                members.Add(i);
            }
        }
        var keys = new ulong[members.Count];
        var ids = new int[members.Count];
        long checks = 0;
        double threshold = Parameters.Threshold;
        for (int band = 0; band < _bands; band++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < members.Count; i++)
            {
                keys[i] = BandKey(members[i], band);
                ids[i] = members[i];
            }
            Array.Sort(keys, ids);
            int start = 0;
            while (start < keys.Length)
            {
                int end = start + 1;
                while (end < keys.Length && keys[end] == keys[start])
                {
                    end++;
                }
                if (end - start > 1)
                {
                    // Keep bucket order stable (document order) so "earlier" means earlier in the file.
                    Array.Sort(ids, start, end - start);
                    for (int j = start + 1; j < end; j++)
                    {
                        int first = Math.Max(start, j - maxComparisons);
                        for (int k = j - 1; k >= first; k--)
                        {
                            if (sets.Find(ids[j]) == sets.Find(ids[k]))
                            {
                                break;
                            }
                            checks++;
                            if (Similarity(ids[j], ids[k]) >= threshold)
                            {
                                sets.Union(ids[j], ids[k]);
                                break;
                            }
                        }
                    }
                }
                start = end;
            }
        }
        return checks;
    }

    /// <summary>Cluster id (the first member's index) of every document, for in-memory callers.</summary>
    public int[] Clusters(CancellationToken cancellationToken = default)
    {
        var sets = new UnionFind(Count);
        Cluster(sets, null, cancellationToken: cancellationToken);
        var result = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            result[i] = sets.Find(i);
        }
        return result;
    }
}
