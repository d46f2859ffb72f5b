namespace Tailor.Local.Training.Graph;

/// <summary>What one optimizer step did.</summary>
/// <param name="GradientNorm">Global L2 norm of the mean-loss gradient before clipping.</param>
/// <param name="ClipScale">The factor applied to the gradient (1 when not clipped).</param>
/// <param name="Skipped">True when nothing changed: no trained token, or a non-finite gradient.</param>
internal readonly record struct StepOutcome(float GradientNorm, float ClipScale, bool Skipped);
