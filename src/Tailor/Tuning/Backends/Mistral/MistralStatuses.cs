namespace Tailor.Tuning.Backends.Mistral;

/// <summary>Mistral's job statuses in Tailor's words.</summary>
internal static class MistralStatuses
{
    public static TuningJobStatus Map(string? status) => status switch
    {
        "QUEUED" => TuningJobStatus.Queued,
        "STARTED" or "VALIDATING" => TuningJobStatus.Validating,
        "VALIDATED" => TuningJobStatus.Validated,
        "RUNNING" => TuningJobStatus.Running,
        "FAILED_VALIDATION" or "FAILED" => TuningJobStatus.Failed,
        "SUCCESS" => TuningJobStatus.Succeeded,
        "CANCELLED" => TuningJobStatus.Cancelled,
        "CANCELLATION_REQUESTED" => TuningJobStatus.Cancelling,
        _ => TuningJobStatus.Running,
    };
}
