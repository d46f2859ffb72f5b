namespace Tailor.Tuning;

/// <summary>
/// A tuning operation was refused or failed, with what to do about it. <see cref="IsInputError"/> separates what the
/// user must fix (a bad option, an unknown base model, a 4xx from the vendor) from failures of the run or the service.
/// The message carries the vendor's own words when a vendor refused; it never carries an API key.
/// </summary>
public sealed class TuningException : Exception
{
    public TuningException(string message, string? hint = null, bool isInputError = true, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Hint = hint;
        IsInputError = isInputError;
        StatusCode = statusCode;
    }

    public TuningException() : this("The tuning operation failed.") { }

    public TuningException(string message) : this(message, hint: null) { }

    public TuningException(string message, Exception innerException) : this(message, null, true, null, innerException) { }

    /// <summary>How to fix it, in one sentence.</summary>
    public string? Hint { get; }

    /// <summary>True when the request was wrong (fix the input); false when the run or the service failed.</summary>
    public bool IsInputError { get; }

    /// <summary>HTTP status of a vendor's refusal, when there was one.</summary>
    public int? StatusCode { get; }
}
