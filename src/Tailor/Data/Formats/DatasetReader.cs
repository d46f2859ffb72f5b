using System.Runtime.CompilerServices;

namespace Tailor.Data.Formats;

/// <summary>One example read from a file, or the problems that kept a line from being one.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Conversation">The example; null when the line could not be read.</param>
/// <param name="Parsed">Everything the parser found, including warnings on a good line.</param>
public sealed record DatasetRecord(long Line, Conversation? Conversation, ParsedLine? Parsed);

/// <summary>
/// Streams the examples of a JSONL file in any supported format. Blank lines are skipped; a line
/// that cannot be read comes back as a record without a conversation, so callers can count or report
/// it: nothing is dropped silently.
/// </summary>
public static class DatasetReader
{
    public static async IAsyncEnumerable<DatasetRecord> ReadAsync(
        Stream stream, string? fileName = null, int maxLineBytes = JsonlLineReader.DefaultMaxLineBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new JsonlLineReader(stream, maxLineBytes);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.IsBlank)
            {
                continue;
            }
            if (line.IsTooLong)
            {
                yield return new DatasetRecord(line.Number, null, null);
                continue;
            }
            var parsed = ConversationLineParser.Parse(line.Content, fileName, line.Number);
            yield return new DatasetRecord(line.Number, parsed.Conversation, parsed);
        }
    }

    /// <summary>Opens <paramref name="path"/> for sequential reading and streams its examples.</summary>
    public static async IAsyncEnumerable<DatasetRecord> ReadFileAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(path);
        await foreach (var record in ReadAsync(stream, path, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>A read stream tuned for one sequential pass over a large file.</summary>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
}
