namespace Tailor.Spec;

/// <summary>One <c>{{ name }}</c> in a prompt template: the variable and where it is (offsets in UTF-16 chars, line and column 1-based).</summary>
public sealed record PromptPlaceholder(string Name, int Offset, int Length, int Line, int Column);
