namespace Tailor.Testing;

/// <summary>Metrics a fake fine-tuning job reports at a step (a checkpoint; for OpenAI also a metrics event).</summary>
public sealed record FakeTuningMetrics(int Step, double TrainLoss, double? ValidLoss = null, double? ValidAccuracy = null);

/// <summary>
/// One step of a fake fine-tuning job's life: the vendor status it moves to, after how long (on the server's clock,
/// counted from the previous stage), and what it reports there (metrics, an error message for a failure).
/// </summary>
/// <param name="Status">The vendor's status word (<c>RUNNING</c> for Mistral, <c>running</c> for OpenAI).</param>
public sealed record FakeTuningStage(string Status)
{
    /// <summary>Time after the previous stage when the job reaches this one (clock-driven servers).</summary>
    public TimeSpan After { get; init; }

    public FakeTuningMetrics? Metrics { get; init; }

    /// <summary>For a failure: why, as the vendor would say it.</summary>
    public string? Error { get; init; }

    /// <summary>For a failure: the vendor's error code (OpenAI).</summary>
    public string? ErrorCode { get; init; }
}
