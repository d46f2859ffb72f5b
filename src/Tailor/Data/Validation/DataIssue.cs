namespace Tailor.Data.Validation;

/// <summary>
/// One problem found in a dataset line: which rule (<see cref="Code"/>, see <see cref="DataRules"/>),
/// where (<see cref="Field"/> such as <c>messages[2].content</c>, and a 1-based column for syntax
/// and encoding errors), what is wrong and how to fix it.
/// </summary>
public sealed record DataIssue(string Code, IssueSeverity Severity, string Field, string Message, string Hint)
{
    /// <summary>1-based column (in characters) for syntax and encoding errors; null otherwise.</summary>
    public int? Column { get; init; }

    public IssueBucket Bucket => DataRules.Get(Code).Bucket;

    /// <summary>Builds an issue of a rule with the rule's own severity and hint.</summary>
    public static DataIssue Of(string code, string field, string message, string? hint = null)
    {
        var rule = DataRules.Get(code);
        return new DataIssue(code, rule.Severity, field, message, hint ?? rule.Hint);
    }

    public override string ToString() =>
        $"{(Severity == IssueSeverity.Error ? "error" : "warning")}[{Code}]{(Field.Length > 0 ? " " + Field : "")}: {Message}";
}
