using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tailor.Text;

/// <summary>
/// Small JSON documents built as a string once per request (a record's metadata, its options): written into a buffer
/// kept per thread instead of a new stream and array each time.
/// </summary>
/// <remarks>Thread-safe: each thread has its own buffer, and the text is copied out before the buffer is used again.</remarks>
internal static class JsonText
{
    // A buffer that grew for one large document is let go rather than kept for the thread's lifetime.
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The text <paramref name="write"/> writes for <paramref name="state"/> with <paramref name="options"/>.</summary>
    public static string Write<TState>(TState state, JsonWriterOptions options, Action<Utf8JsonWriter, TState> write)
    {
        // Taken from the thread while in use, so a document written inside another one gets a buffer of its own.
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        t_buffer = null;
        try
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                write(writer, state);
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity <= KeptBufferBytes)
            {
                t_buffer = buffer;
            }
        }
    }
}
