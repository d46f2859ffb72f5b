namespace Tailor.Tuning;

/// <summary>
/// Measurements at one training step: what the loss chart plots. A backend reports what it has (the local trainer
/// every step, OpenAI in its metrics events, Mistral at checkpoints); missing values stay null. Immutable.
/// </summary>
public sealed record TuningMetric(int Step, double? TrainLoss, double? ValidLoss = null, double? ValidAccuracy = null, double? LearningRate = null)
{
    public DateTimeOffset? At { get; init; }
}
