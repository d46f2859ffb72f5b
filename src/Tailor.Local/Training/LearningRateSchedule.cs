namespace Tailor.Local.Training;

/// <summary>How the learning rate falls after warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>Half a cosine from the peak to the minimum (nanoGPT, mistral-finetune).</summary>
    Cosine,

    /// <summary>A straight line from the peak to the minimum.</summary>
    Linear,

    /// <summary>The peak for every step after warm-up.</summary>
    Constant,
}

/// <summary>
/// Linear warm-up from 0 to the peak, then decay to the minimum at the last step. A pure function of the step, so a
/// resumed run needs nothing but the step to continue the schedule exactly.
/// </summary>
/// <param name="Peak">Learning rate at the end of warm-up.</param>
/// <param name="Minimum">Learning rate at the last step (ignored by <see cref="LearningRateDecay.Constant"/>).</param>
/// <param name="WarmupSteps">Steps of linear warm-up; 0 starts at the peak.</param>
/// <param name="TotalSteps">Optimizer steps of the run.</param>
/// <param name="Decay">The shape after warm-up.</param>
public sealed record LearningRateSchedule(float Peak, float Minimum, int WarmupSteps, int TotalSteps, LearningRateDecay Decay)
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (1-based, as AdamW counts).</summary>
    public float At(long step)
    {
        // 1. warm-up: step/warmup of the peak, so step 1 is already non-zero
        if (WarmupSteps > 0 && step <= WarmupSteps)
        {
            return (float)((double)Peak * step / WarmupSteps);
        }

        // 2. decay from the peak (end of warm-up) to the minimum (last step)
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        return Decay switch
        {
            LearningRateDecay.Cosine => (float)(Minimum + 0.5 * (Peak - Minimum) * (1 + Math.Cos(Math.PI * progress))),
            LearningRateDecay.Linear => (float)(Peak + (Minimum - Peak) * progress),
            _ => Peak,
        };
    }
}
