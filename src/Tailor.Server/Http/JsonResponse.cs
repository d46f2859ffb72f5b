using Microsoft.AspNetCore.Http;

namespace Tailor.Server.Http;

/// <summary>
/// Writes a whole JSON document as the response with its <c>Content-Length</c>: it leaves in one send, where a body of
/// unknown length would be chunked and end with a separate send of the chunk terminator.
/// </summary>
internal static class JsonResponse
{
    public static Task WriteAsync(HttpContext http, int status, byte[] json)
    {
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, http.RequestAborted).AsTask();
    }
}
