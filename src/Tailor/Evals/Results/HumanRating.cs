namespace Tailor.Evals.Results;

/// <summary>
/// A person's rating of one answer: a score and/or a label, with a comment. Keyed by run, case, sample,
/// rater and metric (<c>overall</c> unless the rating is about one criterion).
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed record HumanRating
{
    public required string RunId { get; init; }
    public required string CaseId { get; init; }
    public int Repeat { get; init; }
    public required string Rater { get; init; }

    /// <summary>What is rated: <c>overall</c> or a metric name the judge also reports, for calibration.</summary>
    public string Metric { get; init; } = "overall";

    /// <summary>A number on the rater's scale (1-5, or 0/1 for pass/fail).</summary>
    public double? Score { get; init; }

    /// <summary>A category (<c>pass</c>, <c>fail</c>, <c>critical</c>, ...).</summary>
    public string? Label { get; init; }

    public string? Comment { get; init; }

    public DateTimeOffset RatedAt { get; init; }
}
