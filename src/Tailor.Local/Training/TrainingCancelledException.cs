namespace Tailor.Local.Training;

/// <summary>A run stopped because it was cancelled; <see cref="CheckpointPath"/> resumes it exactly.</summary>
public sealed class TrainingCancelledException : OperationCanceledException
{
    public TrainingCancelledException(int step, string? checkpointPath, CancellationToken token)
        : base(checkpointPath is null ? $"Training was cancelled at step {step}." : $"Training was cancelled at step {step}; resume from {checkpointPath}.", token)
    {
        Step = step;
        CheckpointPath = checkpointPath;
    }

    public TrainingCancelledException() : this(0, null, CancellationToken.None) { }

    public TrainingCancelledException(string message) : base(message) { }

    public TrainingCancelledException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The last completed step.</summary>
    public int Step { get; }

    /// <summary>The checkpoint holding that step, or null when no step had completed.</summary>
    public string? CheckpointPath { get; }
}
