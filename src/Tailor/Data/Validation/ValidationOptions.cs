using Tailor.Data.Formats;
using Tailor.Data.Tokens;

namespace Tailor.Data.Validation;

/// <summary>How <see cref="DatasetValidator"/> validates a file.</summary>
public sealed record ValidationOptions
{
    /// <summary>The format the file must be in; null validates each line against the format it is written in.</summary>
    public DatasetFormat? Format { get; init; }

    /// <summary>A longer line is rejected without being held in memory.</summary>
    public int MaxLineBytes { get; init; } = JsonlLineReader.DefaultMaxLineBytes;

    /// <summary>Counts tokens for the length rule; no length check without it.</summary>
    public ITokenCounter? Tokens { get; init; }

    /// <summary>Sequence length: an example with more tokens is reported as truncated.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>The file-level minimum number of valid examples (OpenAI's is 10); 0 turns the check off.</summary>
    public int MinExamples { get; init; } = 10;
}
