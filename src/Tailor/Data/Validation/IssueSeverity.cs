namespace Tailor.Data.Validation;

/// <summary>How bad a dataset problem is: an error rejects the line, a warning keeps it.</summary>
public enum IssueSeverity
{
    Warning,
    Error,
}
