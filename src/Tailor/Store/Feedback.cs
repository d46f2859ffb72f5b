namespace Tailor.Store;

/// <summary>A person's judgement of one interaction: thumbs, a 1-5 score, a comment, a corrected answer.</summary>
/// <remarks>
/// Immutable. At least one of <see cref="Thumbs"/>, <see cref="Score"/>, <see cref="Comment"/> or <see cref="Correction"/>
/// is set. Several feedback rows may name the same interaction (two raters, or one rater changing their mind);
/// readers decide which counts (the newest, usually).
/// </remarks>
public sealed record Feedback
{
    /// <summary>ULID of this feedback.</summary>
    public required string Id { get; init; }

    /// <summary>The interaction judged.</summary>
    public required string InteractionId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>+1 (thumbs up), -1 (thumbs down), or null when the rater gave no thumbs.</summary>
    public int? Thumbs { get; init; }

    /// <summary>1 (bad) to 5 (excellent), or null.</summary>
    public int? Score { get; init; }

    public string? Comment { get; init; }

    /// <summary>The answer the rater says the model should have given: a ready-made tuning example.</summary>
    public string? Correction { get; init; }

    /// <summary>Who rated (a user id or name the application passes); free text.</summary>
    public string? Rater { get; init; }

    /// <summary>Id of the API key that sent the feedback (never the key).</summary>
    public string? KeyId { get; init; }
}

/// <summary>Filter for reading feedback back; every criterion is optional and they combine with AND.</summary>
public sealed record FeedbackQuery
{
    public string? InteractionId { get; init; }

    /// <summary>Only thumbs up (+1) or down (-1).</summary>
    public int? Thumbs { get; init; }

    /// <summary>Scores at least this (1-5).</summary>
    public int? MinScore { get; init; }

    /// <summary>Scores at most this (1-5).</summary>
    public int? MaxScore { get; init; }

    /// <summary>Only feedback that carries a corrected answer.</summary>
    public bool? HasCorrection { get; init; }

    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }

    /// <summary>At most this many, newest first.</summary>
    public int Limit { get; init; } = 1000;
}
