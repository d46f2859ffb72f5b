namespace Tailor.Local.Training.Data;

/// <summary>
/// One example as token ids; <c>Trained[i]</c> is true when the model must learn to produce token i (so the loss sits at
/// position i − 1, which predicts it). At most one sequence length long: longer examples are split into windows, which keep
/// the index of the example they came from.
/// </summary>
internal sealed record TokenizedExample(int[] Tokens, bool[] Trained, string Source, int ExampleIndex)
{
    public int TrainedCount { get; } = Trained.Count(t => t);

    /// <summary>Tokens that carry loss once packed: a trained token at index 0 has no position predicting it.</summary>
    public int LossPositions { get; } = Trained.Skip(1).Count(t => t);
}
