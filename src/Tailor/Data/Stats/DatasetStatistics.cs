namespace Tailor.Data.Stats;

/// <summary>A count with a label: a role, a tag, a function name, an n-gram, a system prompt.</summary>
public sealed record LabelCount(string Label, long Count);

/// <summary>A group of similar prompts: how many, and one of them.</summary>
public sealed record PromptCluster(long Size, string Example, long FirstLine);

/// <summary>
/// Variety and coverage of a dataset: sizes, length and turn distributions, roles, system prompts,
/// tool use, lexical variety (distinct-n), frequent n-grams, clusters of similar prompts, examples per
/// spec id, and warnings about gaps and imbalance. Immutable.
/// </summary>
public sealed record DatasetStatistics
{
    public long Lines { get; init; }
    public long Examples { get; init; }
    public long Conversations { get; init; }
    public long Texts { get; init; }
    public long Unreadable { get; init; }

    public required Distribution Messages { get; init; }
    public required Distribution UserTurns { get; init; }
    public required Distribution Characters { get; init; }

    /// <summary>Tokens per example; null when no counter was given.</summary>
    public Distribution? Tokens { get; init; }
    public string? Tokenizer { get; init; }
    public bool TokensEstimated { get; init; }

    public IReadOnlyList<LabelCount> Roles { get; init; } = [];
    public long DistinctSystemPrompts { get; init; }
    public long WithoutSystemPrompt { get; init; }
    public IReadOnlyList<LabelCount> TopSystemPrompts { get; init; } = [];
    public long WithTools { get; init; }
    public long ToolCalls { get; init; }
    public IReadOnlyList<LabelCount> Functions { get; init; } = [];
    public long UntrainedAssistantMessages { get; init; }

    /// <summary>Examples the lexical measures were computed on (a seeded sample of large files).</summary>
    public long Sampled { get; init; }

    /// <summary>Distinct unigrams / all unigrams of assistant answers, in the sample.</summary>
    public double Distinct1 { get; init; }

    /// <summary>Distinct bigrams / all bigrams of assistant answers, in the sample.</summary>
    public double Distinct2 { get; init; }
    public IReadOnlyList<LabelCount> TopPromptTrigrams { get; init; } = [];
    public IReadOnlyList<PromptCluster> PromptClusters { get; init; } = [];

    /// <summary>Share of sampled prompts that fall in a cluster with another prompt.</summary>
    public double ClusteredPromptShare { get; init; }

    public IReadOnlyList<LabelCount> Tags { get; init; } = [];
    public long Untagged { get; init; }

    /// <summary>Plain sentences about gaps and imbalance.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
