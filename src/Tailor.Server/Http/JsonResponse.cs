using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tailor.Server.Http;

/// <summary>
/// Writes a whole JSON document as the response with its <c>Content-Length</c>: it leaves in one send, where a body of
/// unknown length would be chunked and end with a separate send of the chunk terminator.
/// </summary>
internal static class JsonResponse
{
    public static Task WriteAsync(HttpContext http, int status, byte[] json) => WriteAsync(http, status, json.AsMemory());

    /// <summary>Writes the document <paramref name="write"/> produces.</summary>
    public static Task WriteAsync(HttpContext http, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return WriteAsync(http, status, buffer.WrittenMemory);
    }

    private static Task WriteAsync(HttpContext http, int status, ReadOnlyMemory<byte> json)
    {
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, http.RequestAborted).AsTask();
    }
}
