namespace Tailor.Store;

/// <summary>Receives every exchange the recording middleware sees.</summary>
/// <remarks>Implementations are called concurrently and must be thread-safe.</remarks>
public interface IInteractionSink
{
    /// <summary>Persists <paramref name="interaction"/>; completes once it is durable.</summary>
    ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default);
}
