namespace Tailor.Data.Tokens;

/// <summary>
/// The shape of a training run, for token arithmetic: <c>steps × batch × seq_len</c> tokens are
/// trained on (examples packed into sequences, as mistral-finetune does).
/// </summary>
public sealed record TrainingPlan(int SequenceLength, int? Steps = null, int BatchSize = 1)
{
    /// <summary>Tokens the run trains on; null without a step count.</summary>
    public long? TrainingTokens => Steps is { } steps ? (long)steps * BatchSize * SequenceLength : null;
}
