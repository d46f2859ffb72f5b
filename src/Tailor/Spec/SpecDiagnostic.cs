using System.Globalization;
using System.Text;

namespace Tailor.Spec;

/// <summary>
/// One problem found in <c>tailor.yaml</c> or in a file it names (a prompt, a suite, a dataset):
/// where it is, which field, what is wrong and how to fix it.
/// </summary>
/// <remarks>
/// Immutable. <see cref="ToString"/> renders the compiler-style line editors and CI annotate:
/// <c>tailor.yaml:12:5: error: policies[1].categories[0]: unknown moderation category 'medical' (did you mean 'health_advice'?)</c>.
/// </remarks>
public sealed record SpecDiagnostic
{
    /// <summary>
    /// The file the problem is in. For <c>tailor.yaml</c>, the path as it was given to
    /// <see cref="SpecLoader.Load"/>; for files the spec names, that path's directory joined with
    /// the path written in the spec (so relative stays relative).
    /// </summary>
    public required string File { get; init; }

    /// <summary>1-based line; 0 when the problem concerns the whole file (not found, empty).</summary>
    public int Line { get; init; }

    /// <summary>1-based column; 0 when <see cref="Line"/> is 0.</summary>
    public int Column { get; init; }

    /// <summary>
    /// Path of the field in the file: <c>models.baseline.base_url</c>, <c>policies[1].categories[0]</c>
    /// (list indexes are 0-based); empty when the problem is not about one field (a syntax error).
    /// </summary>
    public string Field { get; init; } = "";

    /// <summary>What is wrong, in plain words, lowercase, no final period.</summary>
    public required string Message { get; init; }

    /// <summary>How to fix it, when there is something specific to say: "did you mean 'description'?".</summary>
    public string? Hint { get; init; }

    public SpecSeverity Severity { get; init; } = SpecSeverity.Error;

    /// <summary><c>file:line:column: severity: field: message (hint)</c>; position, field and hint are left out when absent.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(File);
        if (Line > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $":{Line}");
            if (Column > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $":{Column}");
            }
        }

        text.Append(Severity == SpecSeverity.Error ? ": error: " : ": warning: ");
        if (Field.Length > 0)
        {
            text.Append(Field).Append(": ");
        }

        text.Append(Message);
        if (Hint is not null)
        {
            text.Append(" (").Append(Hint).Append(')');
        }

        return text.ToString();
    }

    /// <summary>A diagnostic at a node's position (line and column 0 when there is no node: a whole-file problem).</summary>
    internal static SpecDiagnostic At(string file, Yaml.SourceMark? at, string field, string message, string? hint, SpecSeverity severity) =>
        new()
        {
            File = file,
            Line = at?.Line ?? 0,
            Column = at?.Column ?? 0,
            Field = field,
            Message = message,
            Hint = hint,
            Severity = severity,
        };
}
