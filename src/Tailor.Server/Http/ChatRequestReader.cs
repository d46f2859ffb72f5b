using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Server.Http;

/// <summary>A request body that cannot be served, with the member at fault (OpenAI's <c>param</c>).</summary>
internal sealed record RequestProblem(string Message, string? Param, int Status = StatusCodes.Status400BadRequest, string? Code = null);

/// <summary>
/// Reads and checks the body of <c>POST /v1/chat/completions</c>: JSON that does not parse, a member of the wrong type,
/// or a value OpenAI would refuse becomes a <see cref="RequestProblem"/> naming the member, in words a client developer
/// can act on; internal type names never show.
/// </summary>
internal static class ChatRequestReader
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    public static async Task<(ChatCompletionRequest? Request, RequestProblem? Problem)> ReadAsync(HttpContext context)
    {
        if (context.Request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new RequestProblem($"Content-Type must be application/json, not '{type}'.", null, StatusCodes.Status415UnsupportedMediaType));
        }

        ChatCompletionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, OpenAIJsonContext.Default.ChatCompletionRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return (null, Describe(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, new RequestProblem("The request body is larger than this gateway accepts.", null, StatusCodes.Status413PayloadTooLarge, "request_too_large"));
        }

        if (request is null)
        {
            return (null, new RequestProblem("The body must be a JSON object with 'model' and 'messages'.", null));
        }

        return (request, Validate(request));
    }

    private static RequestProblem? Validate(ChatCompletionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return new RequestProblem("You must provide a model parameter: the name of one of this gateway's routes (GET /v1/models lists them).", "model");
        }

        if (request.Messages is not { Count: > 0 })
        {
            return new RequestProblem("'messages' must be an array with at least one message.", "messages");
        }

        for (int i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            string at = string.Create(CultureInfo.InvariantCulture, $"messages[{i}]");
            if (message is null)
            {
                return new RequestProblem($"{at} is null; each message is an object with 'role' and 'content'.", at);
            }

            if (string.IsNullOrEmpty(message.Role) || !Roles.Contains(message.Role))
            {
                return new RequestProblem(
                    $"{at}.role must be one of {string.Join(", ", Roles.Select(r => $"'{r}'"))}, got {(message.Role is null ? "nothing" : $"'{message.Role}'")}.", $"{at}.role");
            }

            if (message.Role == "tool" && string.IsNullOrEmpty(message.ToolCallId))
            {
                return new RequestProblem($"{at} has role 'tool' but no tool_call_id: say which tool call it answers.", $"{at}.tool_call_id");
            }

            if (message.Content is null && message.Role is "user" or "system" or "developer" or "tool")
            {
                return new RequestProblem($"{at}.content is missing: a '{message.Role}' message needs content.", $"{at}.content");
            }

            if (message.Content is null && message.Role == "assistant" && message.ToolCalls is not { Count: > 0 })
            {
                return new RequestProblem($"{at}.content is missing: an assistant message needs content or tool_calls.", $"{at}.content");
            }

            if (message.Content?.Parts is { } parts && PartProblem(parts, at) is { } partProblem)
            {
                return partProblem;
            }

            for (int c = 0; c < (message.ToolCalls?.Count ?? 0); c++)
            {
                if (message.ToolCalls![c] is not { Id.Length: > 0, Function.Name.Length: > 0 })
                {
                    string call = string.Create(CultureInfo.InvariantCulture, $"{at}.tool_calls[{c}]");
                    return new RequestProblem($"{call} needs an id and a function with a name.", call);
                }
            }
        }

        if (request.N is > 1)
        {
            return new RequestProblem("This gateway returns one choice per request; 'n' must be 1.", "n");
        }

        if (request.Temperature is < 0 or > 2)
        {
            return new RequestProblem("'temperature' must be between 0 and 2.", "temperature");
        }

        if (request.TopP is <= 0 or > 1)
        {
            return new RequestProblem("'top_p' must be greater than 0 and at most 1.", "top_p");
        }

        if (request.MaxTokens is < 1)
        {
            return new RequestProblem("'max_tokens' must be at least 1.", "max_tokens");
        }

        if (request.MaxCompletionTokens is < 1)
        {
            return new RequestProblem("'max_completion_tokens' must be at least 1.", "max_completion_tokens");
        }

        // A loop, not FirstOrDefault: a null entry is a bad tool too, and FirstOrDefault's null would mean "none".
        for (int t = 0; t < (request.Tools?.Count ?? 0); t++)
        {
            if (request.Tools![t] is not { Function.Name: { } name } || string.IsNullOrWhiteSpace(name))
            {
                return new RequestProblem($"tools[{t}] needs a function with a name.", string.Create(CultureInfo.InvariantCulture, $"tools[{t}].function.name"));
            }
        }

        if (request.ResponseFormat?.JsonSchema?.Schema is { ValueKind: not JsonValueKind.Object })
        {
            return new RequestProblem("response_format.json_schema.schema must be a JSON Schema object.", "response_format.json_schema.schema");
        }

        return null;
    }

    // What OpenAI refuses in content parts, refused here before anything reads them (a malformed data URI made the
    // request mapping throw, a 500).
    private static RequestProblem? PartProblem(IReadOnlyList<ContentPart?> parts, string message)
    {
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            // The part's path is spelled out only for a problem: valid requests pass without building strings.
            string Where() => string.Create(CultureInfo.InvariantCulture, $"{message}.content[{i}]");
            if (part is null)
            {
                return new RequestProblem($"{Where()} is null; each part is an object such as {{\"type\":\"text\",\"text\":\"...\"}}.", Where());
            }

            if (part.Type == "text" && part.Text is null)
            {
                return new RequestProblem($"{Where()} is a text part and needs its text.", $"{Where()}.text");
            }

            if (part.Type == "image_url" && part.ImageUrl is null)
            {
                return new RequestProblem($"{Where()} is an image_url part and needs an image_url with a url.", $"{Where()}.image_url");
            }

            if (part.ImageUrl is { } image && !IsImageUrl(image.Url))
            {
                return new RequestProblem(
                    $"{Where()}.image_url.url must be an http(s) URL or a data URI such as data:image/png;base64,....", $"{Where()}.image_url.url");
            }
        }

        return null;
    }

    private static bool IsImageUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                _ = new DataContent(url); // the parse the request mapping does
                return true;
            }
            catch (Exception e) when (e is UriFormatException or FormatException or ArgumentException)
            {
                return false;
            }
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>Turns a parser error into words and a member path: <c>$.messages[0].content</c> becomes <c>messages[0].content</c>.</summary>
    private static RequestProblem Describe(JsonException e)
    {
        string? param = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        string where = e.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})")
            : "";
        string reason = e.Message;
        int cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            reason = reason[..cut];
        }

        // The serializer names .NET types ("could not be converted to System.Int32"); a client needs the JSON type.
        if (reason.Contains("could not be converted", StringComparison.Ordinal) || reason.Contains("System.", StringComparison.Ordinal) || reason.Contains("Tailor.", StringComparison.Ordinal))
        {
            reason = param is null ? "the value has the wrong type" : $"'{param}' has the wrong type (see OpenAI's chat completions reference for its shape)";
        }

        return new RequestProblem($"We could not parse the JSON body of your request: {reason.TrimEnd('.')}{where}.", param);
    }
}
