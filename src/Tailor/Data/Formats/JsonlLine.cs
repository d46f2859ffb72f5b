namespace Tailor.Data.Formats;

/// <summary>
/// One line of a JSONL file as bytes, exactly as written. <see cref="Raw"/> is only valid until the
/// reader moves on: copy it to keep it.
/// </summary>
/// <param name="Number">1-based line number.</param>
/// <param name="Offset">Byte offset of the line's first byte in the file.</param>
/// <param name="Length">Length of the line in bytes, without its <c>\n</c> (a trailing <c>\r</c> is counted).</param>
/// <param name="Raw">The line's bytes without its <c>\n</c>; empty when <see cref="IsTooLong"/>.</param>
/// <param name="IsTooLong">The line was longer than the reader's limit; it was skipped without being held in memory.</param>
public readonly record struct JsonlLine(long Number, long Offset, long Length, ReadOnlyMemory<byte> Raw, bool IsTooLong)
{
    /// <summary>The line's content: <see cref="Raw"/> without a trailing <c>\r</c> (CRLF files).</summary>
    public ReadOnlySpan<byte> Content => Raw.Length > 0 && Raw.Span[^1] == (byte)'\r' ? Raw.Span[..^1] : Raw.Span;

    /// <summary>A line that holds nothing but spaces and tabs (or nothing).</summary>
    public bool IsBlank => !IsTooLong && Content.Trim(" \t"u8).IsEmpty;
}
