namespace Tailor.Gateway.Logging;

/// <summary>How <see cref="GroupCommitWriter"/> batches and how far it lets the store fall behind.</summary>
public sealed record GroupCommitOptions
{
    /// <summary>Records that may wait for the store; beyond it new requests are refused (503) rather than records dropped.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Most records written in one transaction.</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>Longest a request waits for its record to commit before it is answered 503 (the record stays queued).</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Wait between attempts while the store is unavailable.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);
}
