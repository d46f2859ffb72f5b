namespace Tailor.Cli;

/// <summary>A failure the user can fix, reported as one line (plus a hint) without a stack trace.</summary>
public sealed class CliException : Exception
{
    public CliException(string message, string? hint = null, int exitCode = ExitCodes.BadInput)
        : base(message)
    {
        Hint = hint;
        ExitCode = exitCode;
    }

    public CliException() : this("The command failed.") { }

    public CliException(string message, Exception innerException) : base(message, innerException) => ExitCode = ExitCodes.BadInput;

    public string? Hint { get; }
    public int ExitCode { get; }
}
