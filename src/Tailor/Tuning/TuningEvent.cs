namespace Tailor.Tuning;

/// <summary>How much an event matters.</summary>
public enum TuningEventLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>
/// Something that happened to a job: a status change, a vendor message, a checkpoint, a validation measurement.
/// <see cref="Key"/> identifies it across refreshes (a vendor's event id, or one derived from the content), so the store
/// keeps each event once however often the backend is asked. Immutable.
/// </summary>
/// <param name="Key">Stable identity within the job.</param>
/// <param name="At">When it happened, by the backend's clock.</param>
/// <param name="Level">Info, warning or error.</param>
/// <param name="Kind"><c>status</c>, <c>message</c>, <c>metrics</c>, <c>checkpoint</c>, <c>validation</c> or <c>result</c>.</param>
/// <param name="Message">One line for people.</param>
/// <param name="DataJson">The backend's structured data, as JSON, when it sent any.</param>
public sealed record TuningEvent(string Key, DateTimeOffset At, TuningEventLevel Level, string Kind, string Message, string? DataJson = null)
{
    /// <summary>Order of arrival in the store (1-based); 0 before it is stored.</summary>
    public long Sequence { get; init; }
}
