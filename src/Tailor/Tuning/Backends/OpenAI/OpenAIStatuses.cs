namespace Tailor.Tuning.Backends.OpenAI;

/// <summary>OpenAI's job statuses in Tailor's words.</summary>
internal static class OpenAIStatuses
{
    public static TuningJobStatus Map(string? status) => status switch
    {
        "validating_files" => TuningJobStatus.Validating,
        "queued" => TuningJobStatus.Queued,
        "running" => TuningJobStatus.Running,
        "paused" => TuningJobStatus.Paused,
        "succeeded" => TuningJobStatus.Succeeded,
        "failed" => TuningJobStatus.Failed,
        "cancelled" => TuningJobStatus.Cancelled,
        _ => TuningJobStatus.Running,
    };
}
