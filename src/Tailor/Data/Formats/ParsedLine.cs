using Tailor.Data.Validation;

namespace Tailor.Data.Formats;

/// <summary>Which spelling of a key a line used, for the format rules that care (OpenAI knows no aliases).</summary>
[Flags]
public enum KeySpelling
{
    None = 0,
    Interactions = 1,
    AvailableTools = 2,
    TextContent = 4,
    SystemPromptKey = 8,
    ContentPartsList = 16,

    /// <summary>OpenAI's deprecated <c>functions</c> / <c>function_call</c> / role <c>function</c>.</summary>
    LegacyFunctions = 32,
}

/// <summary>
/// What reading one JSONL line produced: the example (null when the line could not be read as one),
/// the format it was written in, and every problem met on the way.
/// </summary>
public sealed class ParsedLine
{
    public Conversation? Conversation { get; internal set; }

    /// <summary>The format the line's keys point to; null when it could not be told.</summary>
    public DatasetFormat? Format { get; internal set; }

    public KeySpelling Spellings { get; internal set; }

    public List<DataIssue> Issues { get; } = [];

    public bool HasErrors => Issues.Exists(i => i.Severity == IssueSeverity.Error);
}
