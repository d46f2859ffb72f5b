namespace Tailor.Data.Formats;

/// <summary>
/// Writes lines read by a <see cref="JsonlLineReader"/> verbatim, each followed by <c>\n</c>; a line
/// too long to have been held is copied from the (seekable) source by its offset.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class LineCopier(Stream? source)
{
    private readonly byte[] _buffer = new byte[1 << 16];

    public async ValueTask WriteAsync(JsonlLine line, Stream target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (line.IsTooLong)
        {
            if (source is null || !source.CanSeek)
            {
                throw new InvalidOperationException("an over-long line can only be copied from a seekable source stream");
            }
            long position = source.Position;
            source.Position = line.Offset;
            long left = line.Length;
            while (left > 0)
            {
                int read = await source.ReadAsync(_buffer.AsMemory(0, (int)Math.Min(_buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                await target.WriteAsync(_buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                left -= read;
            }
            source.Position = position;
        }
        else
        {
            await target.WriteAsync(line.Raw, cancellationToken).ConfigureAwait(false);
        }
        target.WriteByte((byte)'\n');
    }
}
