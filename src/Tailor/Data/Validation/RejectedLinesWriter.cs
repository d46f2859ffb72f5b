using System.Text.Json;

namespace Tailor.Data.Validation;

/// <summary>
/// Splits a validated file in two without losing or changing a byte: valid lines go verbatim to
/// one stream, rejected lines verbatim to another, and for each rejected line one JSON object
/// (<c>{"line", "issues": [{"code", "field", "message", "hint"}]}</c>) goes to a reasons stream,
/// in the same order. Each line is written with a <c>\n</c>; a CRLF line keeps its <c>\r</c>.
/// </summary>
/// <remarks>Not thread-safe. Over-long lines, which the validator never held, are copied from <c>source</c>.</remarks>
public sealed class RejectedLinesWriter(Stream valid, Stream rejected, Stream reasons, Stream? source = null) : IAsyncDisposable
{
    private readonly Utf8JsonWriter _reasons = new(reasons);
    private readonly byte[] _copyBuffer = new byte[1 << 16];

    public long ValidLines { get; private set; }
    public long RejectedLines { get; private set; }

    public async ValueTask WriteAsync(LineVerdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var target = verdict.IsValid ? valid : rejected;
        if (verdict.Line.IsTooLong)
        {
            await CopyFromSourceAsync(verdict.Line.Offset, verdict.Line.Length, target, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await target.WriteAsync(verdict.Line.Raw, cancellationToken).ConfigureAwait(false);
        }
        target.WriteByte((byte)'\n');
        if (verdict.IsValid)
        {
            ValidLines++;
            return;
        }
        RejectedLines++;
        _reasons.Reset();
        _reasons.WriteStartObject();
        _reasons.WriteNumber("line", verdict.Line.Number);
        _reasons.WriteStartArray("issues");
        foreach (var issue in verdict.Issues)
        {
            _reasons.WriteStartObject();
            _reasons.WriteString("code", issue.Code);
            _reasons.WriteString("severity", issue.Severity == IssueSeverity.Error ? "error" : "warning");
            _reasons.WriteString("field", issue.Field);
            _reasons.WriteString("message", issue.Message);
            _reasons.WriteString("hint", issue.Hint);
            if (issue.Column is { } column)
            {
                _reasons.WriteNumber("column", column);
            }
            _reasons.WriteEndObject();
        }
        _reasons.WriteEndArray();
        _reasons.WriteEndObject();
        await _reasons.FlushAsync(cancellationToken).ConfigureAwait(false);
        reasons.WriteByte((byte)'\n');
    }

    private async ValueTask CopyFromSourceAsync(long offset, long length, Stream target, CancellationToken cancellationToken)
    {
        if (source is null || !source.CanSeek)
        {
            throw new InvalidOperationException("an over-long line can only be copied from a seekable source stream");
        }
        source.Position = offset;
        while (length > 0)
        {
            int read = await source.ReadAsync(_copyBuffer.AsMemory(0, (int)Math.Min(_copyBuffer.Length, length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            await target.WriteAsync(_copyBuffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            length -= read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reasons.DisposeAsync().ConfigureAwait(false);
        await valid.FlushAsync().ConfigureAwait(false);
        await rejected.FlushAsync().ConfigureAwait(false);
        await reasons.FlushAsync().ConfigureAwait(false);
    }
}
