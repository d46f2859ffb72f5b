namespace Tailor.Data.Dedup;

/// <summary>How a removed example matched the one kept.</summary>
public enum DuplicateKind
{
    Exact,
    Near,
}

/// <summary>An example removed as a duplicate: its line, how it matched, and its estimated similarity to the kept example.</summary>
public sealed record DuplicateMember(long Line, DuplicateKind Kind, double Similarity);

/// <summary>A group of duplicates: the line kept and the lines removed.</summary>
public sealed record DuplicateCluster(long KeptLine, IReadOnlyList<DuplicateMember> Removed);
