namespace Tailor.Spec;

/// <summary>A malformed placeholder in a prompt template (<c>{{ two words }}</c>, an unclosed <c>{{</c>), with its 1-based position.</summary>
public sealed record PromptTemplateError(string Message, int Line, int Column);
