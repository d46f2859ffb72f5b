using System.Text;

namespace Tailor.Local.Inference;

/// <summary>
/// Turns token bytes into text as they stream: a character split across tokens (emoji, CJK, byte-fallback
/// tokens) is emitted whole once its last byte arrives, never as replacement characters. One per generation.
/// </summary>
internal sealed class Utf8TokenDecoder
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    public string Add(ReadOnlySpan<byte> bytes)
    {
        var needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var count = _decoder.GetChars(bytes, _chars, flush: false);
        return new string(_chars, 0, count);
    }

    /// <summary>Ends the stream: an incomplete trailing sequence becomes U+FFFD.</summary>
    public string Flush()
    {
        var count = _decoder.GetChars([], _chars, flush: true);
        return new string(_chars, 0, count);
    }
}
