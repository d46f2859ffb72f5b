using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Server.Http;

/// <summary>
/// Error responses in OpenAI's shape, <c>{"error":{"message","type","param","code"}}</c>, so every OpenAI client shows
/// them as it shows OpenAI's own. Messages say what was wrong and how to fix it; they never carry a stack trace,
/// an upstream URL, a prompt, or a key.
/// </summary>
internal static class OpenAIErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var body = new ErrorResponse { Error = new ErrorDetail { Message = message, Type = type, Param = param, Code = code } };
        return JsonResponse.WriteAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(body, OpenAIJsonContext.Default.ErrorResponse));
    }

    public static Task BadRequest(HttpContext context, string message, string? param, string? code = null) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public static Task StoreUnavailable(HttpContext context, string what) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
            $"The gateway's {what} is unavailable right now; your request was not processed. Retry shortly.",
            "server_error", code: "store_unavailable", retryAfter: TimeSpan.FromSeconds(2));
}
