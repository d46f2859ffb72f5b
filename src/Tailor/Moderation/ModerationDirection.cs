namespace Tailor.Moderation;

/// <summary>Which side of the model a moderation rule guards.</summary>
public enum ModerationDirection
{
    /// <summary>What the user sends, before the model sees it.</summary>
    Input,

    /// <summary>What the model answers, before the user sees it.</summary>
    Output,
}
