using System.Text;

namespace Tailor.Evals.Suites;

/// <summary>One CSV record and the line it starts on (1-based).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// An RFC 4180 reader that streams records: fields separated by commas, optionally in double quotes,
/// where a quoted field may hold commas, newlines and <c>""</c> for a quote. Not thread-safe.
/// </summary>
internal sealed class CsvReader(TextReader reader)
{
    private int _line;

    /// <summary>A quote left open at the end of the file, reported once reading ends.</summary>
    public (int Line, string Message)? Problem { get; private set; }

    public async Task<CsvRecord?> ReadRecordAsync(CancellationToken cancellationToken)
    {
        string? text;
        do
        {
            text = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            _line++;
        }
        while (text is not null && text.Length == 0);

        if (text is null)
        {
            return null;
        }

        int start = _line;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        bool fieldStart = true;
        while (true)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"' && fieldStart)
                {
                    quoted = true;
                    fieldStart = false;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStart = true;
                }
                else if (c != '\r' || i != text.Length - 1)
                {
                    field.Append(c);
                    fieldStart = false;
                }
            }

            if (!quoted)
            {
                break;
            }

            // A quoted field runs on to the next line.
            string? next = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                Problem = (start, "a quoted field opened in this record is never closed; the record is skipped");
                return null;
            }

            _line++;
            field.Append('\n');
            text = next;
        }

        fields.Add(field.ToString());
        return new CsvRecord(start, fields);
    }
}
