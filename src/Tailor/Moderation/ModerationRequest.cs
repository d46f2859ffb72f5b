using Microsoft.Extensions.AI;

namespace Tailor.Moderation;

/// <summary>A text to classify, which side of the model it is on, and the conversation around it.</summary>
/// <param name="Text">The text to judge: a user message (input) or a model answer (output).</param>
/// <param name="Direction">Input or output; some classifiers judge the two differently.</param>
/// <param name="Context">The conversation before <paramref name="Text"/>, for classifiers that use it; may be empty.</param>
public sealed record ModerationRequest(string Text, ModerationDirection Direction, IReadOnlyList<ChatMessage>? Context = null);
