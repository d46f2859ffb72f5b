namespace Tailor.Data.Export;

/// <summary>Which logged interactions become training examples, and how.</summary>
public sealed record LogExportFilter
{
    /// <summary>Interactions that started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Interactions that started before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gateway route or spec alias.</summary>
    public string? Route { get; init; }

    /// <summary>Model id the provider reported.</summary>
    public string? Model { get; init; }

    /// <summary>What produced it: <c>gateway</c>, <c>chat</c>, <c>ask</c>, ...</summary>
    public string? Source { get; init; }

    /// <summary>
    /// Keep only interactions whose feedback score is at least this. Needs feedback: an interaction
    /// without any is skipped. Feedback comes from the store (<see cref="StoreFeedbackLookup"/>) or a <see cref="FeedbackFile"/>.
    /// </summary>
    public double? MinFeedback { get; init; }

    /// <summary>
    /// Whether the eval runner's own calls (sources <c>eval</c> and <c>eval-judge</c>) are exported too. Off by default:
    /// they answer the eval suite, and training on them would leak the test into the tuning set.
    /// </summary>
    public bool IncludeEvalTraffic { get; init; }

    /// <summary>Skip interactions a moderation layer flagged, blocked or redacted (on by default).</summary>
    public bool ExcludeFlagged { get; init; } = true;

    /// <summary>Use a feedback correction in place of the model's answer (on by default).</summary>
    public bool ApplyCorrections { get; init; } = true;

    /// <summary>Put the system prompt the model saw at the start of each example (on by default).</summary>
    public bool IncludeSystemPrompt { get; init; } = true;

    /// <summary>At most this many examples; null for all.</summary>
    public long? Limit { get; init; }
}
