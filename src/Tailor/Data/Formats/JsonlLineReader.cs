namespace Tailor.Data.Formats;

/// <summary>
/// Splits a stream of bytes into JSONL lines without decoding them: a file of any size streams
/// through a buffer that grows only to the longest line (up to <see cref="MaxLineBytes"/>; a longer
/// line is reported as too long and skipped, never held). Lines end at <c>\n</c>; a last line
/// without one still counts.
/// </summary>
/// <remarks>Not thread-safe: one reader per stream. The memory a line points at is reused by the next read.</remarks>
public sealed class JsonlLineReader
{
    /// <summary>Default line limit: 64 MiB, far above any sensible example and below what hurts memory.</summary>
    public const int DefaultMaxLineBytes = 64 << 20;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;       // first unconsumed byte
    private int _end;         // end of valid data
    private bool _eof;
    private long _bufferOffset; // file offset of _buffer[0]
    private long _lineNumber;

    public JsonlLineReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes, int bufferBytes = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        MaxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Min(bufferBytes, maxLineBytes + 1)];
    }

    public int MaxLineBytes { get; }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    public bool TryRead(out JsonlLine line)
    {
        while (true)
        {
            if (TryTakeLine(out line))
            {
                return true;
            }
            if (_eof)
            {
                return TryTakeLast(out line);
            }
            if (!MakeRoom(out line))
            {
                // The synchronous path never awaits, so the task is already complete.
                line = SkipLongLineAsync(sync: true, CancellationToken.None).GetAwaiter().GetResult();
                return true;
            }
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }
            _end += read;
        }
    }

    /// <summary>Reads the next line asynchronously; null at the end of the stream.</summary>
    public async ValueTask<JsonlLine?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryTakeLine(out var line))
            {
                return line;
            }
            if (_eof)
            {
                return TryTakeLast(out line) ? line : null;
            }
            if (!MakeRoom(out _))
            {
                return await SkipLongLineAsync(sync: false, cancellationToken).ConfigureAwait(false);
            }
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }
            _end += read;
        }
    }

    private bool TryTakeLine(out JsonlLine line)
    {
        int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = default;
            return false;
        }
        line = new JsonlLine(++_lineNumber, _bufferOffset + _start, newline, _buffer.AsMemory(_start, newline), false);
        _start += newline + 1;
        return true;
    }

    private bool TryTakeLast(out JsonlLine line)
    {
        if (_start >= _end)
        {
            line = default;
            return false;
        }
        int length = _end - _start;
        line = new JsonlLine(++_lineNumber, _bufferOffset + _start, length, _buffer.AsMemory(_start, length), false);
        _start = _end;
        return true;
    }

    /// <summary>Moves the partial line to the front or grows the buffer; false when the line is over the limit.</summary>
    private bool MakeRoom(out JsonlLine line)
    {
        line = default;
        int pending = _end - _start;
        if (pending > MaxLineBytes)
        {
            return false;
        }
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _bufferOffset += _start;
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            int size = (int)Math.Min((long)_buffer.Length * 2, MaxLineBytes + 1L);
            if (size <= _buffer.Length)
            {
                return false;
            }
            Array.Resize(ref _buffer, size);
        }
        return true;
    }

    /// <summary>Reads and drops the rest of an over-long line, counting its length.</summary>
    private async ValueTask<JsonlLine> SkipLongLineAsync(bool sync, CancellationToken cancellationToken)
    {
        long offset = _bufferOffset + _start;
        long length = 0;
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                length += newline;
                _start += newline + 1;
                break;
            }
            length += _end - _start;
            _bufferOffset += _end;
            _start = _end = 0;
            int read = sync
                ? _stream.Read(_buffer, 0, _buffer.Length)
                : await _stream.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
                break;
            }
            _end = read;
        }
        return new JsonlLine(++_lineNumber, offset, length, ReadOnlyMemory<byte>.Empty, true);
    }
}
