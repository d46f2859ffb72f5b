using Tailor.Tuning.Preflight;

namespace Tailor.Tuning;

/// <summary>
/// A job ready to start: recorded nowhere yet, its data checked and prepared in <see cref="TuningJob.WorkDirectory"/>.
/// Start it (<see cref="TuningJobManager.StartAsync"/>), dry-run it, or discard it. Immutable.
/// </summary>
/// <param name="Job">The job as it will be recorded (status <see cref="TuningJobStatus.Created"/>, with its estimate).</param>
/// <param name="Launch">What the backend receives.</param>
/// <param name="Preflight">What pre-flight found.</param>
public sealed record TuningPreparation(TuningJob Job, TuningLaunch Launch, PreflightReport Preflight)
{
    /// <summary>True when pre-flight found errors and the draft did not say <c>--force</c>: the job must not start.</summary>
    public bool IsBlocked => Preflight.HasErrors && !Job.Request.Forced;
}
