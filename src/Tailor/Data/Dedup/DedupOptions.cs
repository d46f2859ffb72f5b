namespace Tailor.Data.Dedup;

/// <summary>How <see cref="Deduplicator"/> finds and resolves duplicates.</summary>
public sealed record DedupOptions
{
    /// <summary>Remove exact duplicates: the same words in the same order, ignoring case, whitespace and punctuation.</summary>
    public bool Exact { get; init; } = true;

    /// <summary>Remove near duplicates (MinHash + LSH with <see cref="Lsh"/>).</summary>
    public bool Near { get; init; } = true;

    public LshParameters Lsh { get; init; } = new();

    public KeepPolicy Keep { get; init; } = KeepPolicy.First;

    /// <summary>Compare system prompts too (off: a prompt shared by every example would make them all alike).</summary>
    public bool IncludeSystemPrompt { get; init; }

    /// <summary>Threads computing signatures.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
