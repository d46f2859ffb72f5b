namespace Tailor.Data.Decontamination;

/// <summary>A text training data must not contain: an eval case's input, or an example of a held-out split.</summary>
/// <param name="Id">The case id (<c>smoke/greeting</c>) or <c>line N</c> of a held-out file.</param>
/// <param name="Origin">Where it is written, <c>file:line</c>.</param>
/// <param name="Text">The text compared.</param>
public sealed record EvalText(string Id, string Origin, string Text);
