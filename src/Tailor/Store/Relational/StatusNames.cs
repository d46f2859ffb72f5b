namespace Tailor.Store.Relational;

/// <summary>How <see cref="InteractionStatus"/> is spelled in the database.</summary>
internal static class StatusNames
{
    public static string ToName(InteractionStatus status) => status switch
    {
        InteractionStatus.Ok => "ok",
        InteractionStatus.Error => "error",
        InteractionStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static InteractionStatus Parse(string status) => status switch
    {
        "ok" => InteractionStatus.Ok,
        "error" => InteractionStatus.Error,
        "cancelled" => InteractionStatus.Cancelled,
        _ => throw new InvalidDataException($"unknown interaction status '{status}' in the store"),
    };
}
