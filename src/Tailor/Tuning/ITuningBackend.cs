using Tailor.Data;
using Tailor.Data.Tokens;

namespace Tailor.Tuning;

/// <summary>
/// A place tuning jobs run: the local trainer, Mistral's fine-tuning API, an OpenAI-compatible fine-tuning API.
/// Vendors are retiring hosted fine-tuning, so everything above this interface is the same for all of them.
/// </summary>
/// <remarks>
/// Implementations are thread-safe and keep no per-job state in memory: everything needed to find a job again is in
/// <see cref="TuningJob.ExternalId"/>, <see cref="TuningJob.State"/> and <see cref="TuningJob.WorkDirectory"/>, so a new
/// process can report on a job another one started. Failures throw <see cref="TuningException"/>.
/// </remarks>
public interface ITuningBackend
{
    /// <summary><c>local</c>, <c>mistral</c> or <c>openai</c>.</summary>
    string Name { get; }

    /// <summary>The format pre-flight validates against and prepares the data in; null accepts each line's own format.</summary>
    DatasetFormat? DataFormat { get; }

    /// <summary>What is wrong with <paramref name="request"/> for this backend (an option it cannot honour, a bad value); empty when fine.</summary>
    IReadOnlyList<string> Validate(TuningRequest request);

    /// <summary>Problems with one example this backend cannot train on although it is valid data (null when fine).</summary>
    string? CheckExample(Conversation conversation);

    /// <summary>The offline estimator for <paramref name="request"/>, whose file references resolve against <paramref name="projectDirectory"/>.</summary>
    ITuningCostEstimator CreateEstimator(TuningRequest request, string projectDirectory);

    /// <summary>The estimate without starting anything: the vendor's dry run where there is one.</summary>
    Task<TuningDryRun> DryRunAsync(TuningLaunch launch, CancellationToken cancellationToken = default);

    /// <summary>Uploads what is needed and starts the job; returns its first snapshot (with its external id).</summary>
    Task<TuningSnapshot> StartAsync(TuningLaunch launch, CancellationToken cancellationToken = default);

    /// <summary>Where the job stands now.</summary>
    Task<TuningSnapshot> GetAsync(TuningJob job, CancellationToken cancellationToken = default);

    /// <summary>Asks the job to stop; returns the snapshot after asking (often <see cref="TuningJobStatus.Cancelling"/>).</summary>
    Task<TuningSnapshot> CancelAsync(TuningJob job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Continues a job: from its last checkpoint after an interruption (local), a paused job (OpenAI), or a validated
    /// job waiting to start (Mistral). Throws a <see cref="TuningException"/> saying why when the job cannot be resumed.
    /// </summary>
    Task<TuningSnapshot> ResumeAsync(TuningJob job, CancellationToken cancellationToken = default);
}
