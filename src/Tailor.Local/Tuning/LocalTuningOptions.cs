namespace Tailor.Local.Tuning;

/// <summary>How the local backend starts its workers. Immutable.</summary>
public sealed record LocalTuningOptions
{
    /// <summary>The worker (apphost or .dll); null: <c>Tailor.Local.Worker</c> next to the application.</summary>
    public string? WorkerPath { get; init; }

    /// <summary>How long a starting worker may take to say it is ready (process start and job read, not training).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock of the snapshot's times that the worker does not stamp.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
