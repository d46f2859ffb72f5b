namespace Tailor.Local.Training.Checkpoints;

/// <summary>
/// What a checkpoint must match to resume: the options' fingerprint, the data, the base model and the ggml build. Any
/// difference would continue a different run, so resume refuses it.
/// </summary>
/// <param name="Mode"><c>full</c> or <c>lora</c>.</param>
/// <param name="OptionsFingerprint"><see cref="TrainingOptions.Fingerprint"/>.</param>
/// <param name="TrainDataHash">SHA-256 of the tokenized training split.</param>
/// <param name="ValidationDataHash">SHA-256 of the tokenized validation split.</param>
/// <param name="BaseModelHash">SHA-256 of the base model file.</param>
/// <param name="GgmlBuild">ggml version, commit and CPU variant: other kernels may round differently.</param>
internal sealed record RunIdentity(string Mode, string OptionsFingerprint, string TrainDataHash, string ValidationDataHash, string BaseModelHash, string GgmlBuild)
{
    /// <summary>Every field that differs from <paramref name="other"/>, described for the user; empty when they match.</summary>
    public List<string> Differences(RunIdentity other)
    {
        var differences = new List<string>();
        void Compare(string what, string mine, string theirs, string hint)
        {
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
            {
                differences.Add($"{what} differs (checkpoint: {theirs}, now: {mine}); {hint}");
            }
        }

        Compare("the training mode", Mode, other.Mode, "resume with the same --lora setting");
        Compare("the options", OptionsFingerprint, other.OptionsFingerprint, "resume with exactly the options of the run (steps, batch, sequence length, learning rate, schedule, seed, LoRA settings)");
        Compare("the training data", TrainDataHash[..16], other.TrainDataHash[..16], "resume with the same data files, in the same order");
        Compare("the validation data", ValidationDataHash[..16], other.ValidationDataHash[..16], "resume with the same validation data and split");
        Compare("the base model", BaseModelHash[..16], other.BaseModelHash[..16], "resume from the same base model file");
        Compare("the ggml build", GgmlBuild, other.GgmlBuild, "resume on the machine and Tailor version that wrote the checkpoint, or start a new run");
        return differences;
    }
}
