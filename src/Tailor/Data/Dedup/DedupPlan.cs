using System.Collections;

namespace Tailor.Data.Dedup;

/// <summary>
/// What a dedup pass decided: which lines stay (by 0-based line index), the clusters found and the
/// counts. Lines that are not readable examples (blank, invalid) are always kept: dedup removes
/// duplicates, it does not validate.
/// </summary>
public sealed class DedupPlan
{
    internal DedupPlan(BitArray keep, IReadOnlyList<DuplicateCluster> clusters)
    {
        Keep = keep;
        Clusters = clusters;
    }

    /// <summary>Bit i is set when line i (0-based) stays.</summary>
    internal BitArray Keep { get; }

    public IReadOnlyList<DuplicateCluster> Clusters { get; }
    public long Lines { get; internal init; }
    public long Examples { get; internal init; }

    /// <summary>Lines that are not readable examples; kept as they are.</summary>
    public long Unreadable { get; internal init; }
    public long ExactRemoved { get; internal init; }
    public long NearRemoved { get; internal init; }
    public long Removed => ExactRemoved + NearRemoved;

    /// <summary>Candidate pairs whose similarity was checked.</summary>
    public long SimilarityChecks { get; internal init; }

    /// <summary>Bytes the signatures took.</summary>
    public long SignatureBytes { get; internal init; }

    /// <summary>Time spent reading lines and computing hashes and signatures (the parallel pass).</summary>
    public TimeSpan FingerprintTime { get; internal init; }

    /// <summary>Time spent on exact matching, LSH banding, verification and choosing what to keep.</summary>
    public TimeSpan ClusterTime { get; internal init; }

    public bool IsKept(long lineIndex) => lineIndex >= Keep.Length || Keep[(int)lineIndex];
}
