namespace Tailor.Moderation;

/// <summary>Which user messages of a request the moderation layer checks on input.</summary>
public enum ModerationInputScope
{
    /// <summary>The messages after the last assistant message: what is new in this request (earlier turns were checked when they were sent).</summary>
    LatestTurn,

    /// <summary>Every user message, for callers that replay a history the layer has not seen (a stateless gateway that trusts no client).</summary>
    AllUserMessages,
}
