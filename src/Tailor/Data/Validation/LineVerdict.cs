using Tailor.Data.Formats;

namespace Tailor.Data.Validation;

/// <summary>
/// The validator's verdict on one line: the line (bytes valid only until the validator moves on),
/// the example read from it, and its problems. Valid when no problem is an error.
/// </summary>
public sealed record LineVerdict(JsonlLine Line, Conversation? Conversation, IReadOnlyList<DataIssue> Issues)
{
    public bool IsValid { get; } = NoErrors(Issues);

    private static bool NoErrors(IReadOnlyList<DataIssue> issues)
    {
        for (int i = 0; i < issues.Count; i++)
        {
            if (issues[i].Severity == IssueSeverity.Error)
            {
                return false;
            }
        }
        return true;
    }
}
