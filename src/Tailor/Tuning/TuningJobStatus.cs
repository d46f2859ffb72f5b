namespace Tailor.Tuning;

/// <summary>
/// Where a tuning job stands, the same words for every backend. Each backend maps its own statuses onto these
/// (Mistral's <c>QUEUED … SUCCESS</c>, OpenAI's <c>validating_files … succeeded</c>, the local worker's events).
/// </summary>
public enum TuningJobStatus
{
    /// <summary>Recorded; its data is being prepared or uploaded.</summary>
    Created,

    /// <summary>The backend is checking the data.</summary>
    Validating,

    /// <summary>The data passed the backend's checks; the job waits to be started (Mistral with <c>auto_start: false</c>).</summary>
    Validated,

    /// <summary>Waiting for capacity (or, locally, for the worker to load the model).</summary>
    Queued,

    Running,

    /// <summary>Paused on request (OpenAI); <c>tailor tune resume</c> continues it.</summary>
    Paused,

    /// <summary>Cancellation was asked for and has not taken effect yet.</summary>
    Cancelling,

    Succeeded,

    Failed,

    Cancelled,

    /// <summary>
    /// It stopped without finishing and without failing: the local worker died (killed, out of memory, machine restarted)
    /// or was stopped by a signal. Resumable from its last checkpoint.
    /// </summary>
    Interrupted,
}

/// <summary>What the statuses mean for the job lifecycle.</summary>
public static class TuningJobStatusExtensions
{
    /// <summary>Nothing will change any more without someone acting: succeeded, failed, cancelled or interrupted.</summary>
    public static bool IsFinal(this TuningJobStatus status) =>
        status is TuningJobStatus.Succeeded or TuningJobStatus.Failed or TuningJobStatus.Cancelled or TuningJobStatus.Interrupted;

    /// <summary>The spelling in the store, in JSON and on screen (<c>running</c>, <c>succeeded</c>, ...).</summary>
    public static string ToName(this TuningJobStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Reads <see cref="ToName"/>'s spelling back.</summary>
    /// <exception cref="InvalidDataException">The name is not a status.</exception>
    public static TuningJobStatus ParseName(string name) =>
        Enum.TryParse<TuningJobStatus>(name, ignoreCase: true, out var status) && !int.TryParse(name, out _)
            ? status
            : throw new InvalidDataException($"unknown tuning job status '{name}'");
}
