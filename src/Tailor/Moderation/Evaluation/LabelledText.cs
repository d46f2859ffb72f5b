namespace Tailor.Moderation.Evaluation;

/// <summary>One labelled example: a text and the canonical categories it belongs to (none: benign).</summary>
/// <param name="Text">The text.</param>
/// <param name="Labels">Canonical categories; empty for a benign text.</param>
/// <param name="Direction">Whether it is a user message or a model answer.</param>
/// <param name="Tags">Free tags (<c>lookalike</c> marks benign texts that resemble a category); reports break results down by them.</param>
/// <param name="Group">What it was generated from (a template); examples of one group stay on one side of a split.</param>
/// <param name="Line">1-based line in its file, for messages.</param>
public sealed record LabelledText(
    string Text,
    IReadOnlyList<string> Labels,
    ModerationDirection Direction = ModerationDirection.Input,
    IReadOnlyList<string>? Tags = null,
    string? Group = null,
    int Line = 0)
{
    public bool IsBenign => Labels.Count == 0;
}
