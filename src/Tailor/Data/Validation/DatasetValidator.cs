using System.Runtime.CompilerServices;
using Tailor.Data.Formats;

namespace Tailor.Data.Validation;

/// <summary>
/// Validates a JSONL dataset line by line, streaming: every line gets a <see cref="LineVerdict"/>
/// (blank, over-long, bad UTF-8 and unparsable lines included), so a caller can account for each
/// one. Feed the verdicts to a <see cref="ValidationReport"/> for counts and to a
/// <see cref="RejectedLinesWriter"/> to split the file.
/// </summary>
/// <remarks>Thread-safe: holds only its options; each call reads its own stream.</remarks>
public sealed class DatasetValidator(ValidationOptions? options = null)
{
    public ValidationOptions Options { get; } = options ?? new ValidationOptions();

    public async IAsyncEnumerable<LineVerdict> ValidateAsync(Stream stream, string? fileName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new JsonlLineReader(stream, Options.MaxLineBytes);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return Validate(line, fileName);
        }
    }

    /// <summary>The synchronous form, for callers that read a local file in a loop (same verdicts).</summary>
    public IEnumerable<LineVerdict> Validate(Stream stream, string? fileName = null)
    {
        var reader = new JsonlLineReader(stream, Options.MaxLineBytes);
        while (reader.TryRead(out var line))
        {
            yield return Validate(line, fileName);
        }
    }

    /// <summary>Validates one line.</summary>
    public LineVerdict Validate(JsonlLine line, string? fileName = null)
    {
        if (line.IsTooLong)
        {
            return new LineVerdict(line, null, [DataIssue.Of(DataRules.LineTooLong, "", $"the line is {line.Length:N0} bytes, over the {Options.MaxLineBytes:N0}-byte limit")]);
        }
        if (line.IsBlank)
        {
            return new LineVerdict(line, null, [DataIssue.Of(DataRules.BlankLine, "", "the line is blank")]);
        }
        var parsed = ConversationLineParser.Parse(line.Content, fileName, line.Number);
        var issues = parsed.Issues;
        ConversationRules.Check(parsed, Options.Format, issues);
        if (parsed.Conversation is { } conversation && Options.Tokens is { } tokens && Options.MaxTokens is { } max)
        {
            int count = tokens.Count(conversation).Total;
            if (count > max)
            {
                issues.Add(DataIssue.Of(DataRules.TooManyTokens, "",
                    $"{count:N0} tokens{(tokens.IsEstimate ? " (estimated)" : "")}, over the sequence length of {max:N0}: {count - max:N0} will be cut"));
            }
        }
        return new LineVerdict(line, parsed.Conversation, issues);
    }
}
