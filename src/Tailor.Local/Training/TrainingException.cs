namespace Tailor.Local.Training;

/// <summary>
/// A training run could not start or could not finish. <see cref="IsInputError"/> separates what the user can fix in their
/// input (data, options, model file, a checkpoint of another run) from failures of the run itself.
/// </summary>
public sealed class TrainingException : Exception
{
    public TrainingException(string message, bool isInputError = false, Exception? innerException = null)
        : base(message, innerException) => IsInputError = isInputError;

    public TrainingException() : this("Training failed.") { }

    public TrainingException(string message, Exception innerException) : this(message, false, innerException) { }

    public TrainingException(string message) : this(message, false, null) { }

    /// <summary>True when the input is at fault (the CLI exits with 2), false when the run failed (exit 1).</summary>
    public bool IsInputError { get; }
}
