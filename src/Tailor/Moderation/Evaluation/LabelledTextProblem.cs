namespace Tailor.Moderation.Evaluation;

/// <summary>A line of a labelled JSONL file that could not be used, and how to fix it.</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Field">The member at fault (<c>labels[1]</c>), or null for the whole line.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Hint">How to fix it.</param>
public sealed record LabelledTextProblem(string File, int Line, string? Field, string Message, string? Hint)
{
    public override string ToString() =>
        $"{File}:{Line}: {(Field is null ? "" : Field + ": ")}{Message}{(Hint is null ? "" : $" ({Hint})")}";
}
