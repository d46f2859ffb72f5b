using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tailor.Providers.OpenAI;

/// <summary>
/// What an error response says, read from any of the shapes OpenAI-compatible servers use:
/// OpenAI's <c>{"error":{"message","type","param","code"}}</c>, Ollama's <c>{"error":"…"}</c>, Mistral's and vLLM's flat
/// <c>{"object":"error","message",…}</c> (whose message may itself be a validation object), FastAPI's
/// <c>{"detail":"…"|[{"loc","msg"}]}</c>, or no JSON at all (a proxy's HTML page, plain text).
/// </summary>
internal sealed partial record ErrorBody(string? Message, string? Type, string? Param, string? Code)
{
    private const int MaxMessageLength = 500;

    public static ErrorBody Empty { get; } = new(null, null, null, null);

    public static ErrorBody Parse(string? body, string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return new ErrorBody(DescribeNonJson(body, mediaType), null, null, null);
        }
    }

    public static ErrorBody FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new ErrorBody(Shorten(root.ToString()), null, null, null);
        }

        if (root.TryGetProperty("error", out var error))
        {
            return error.ValueKind == JsonValueKind.Object ? FromJson(error) : new ErrorBody(Describe(error), null, null, null);
        }

        if (root.TryGetProperty("message", out var message))
        {
            return new ErrorBody(Describe(message), Text(root, "type"), Text(root, "param"), Text(root, "code"));
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            return new ErrorBody(Describe(detail), null, ParamOfDetail(detail), null);
        }

        return new ErrorBody(Shorten(root.GetRawText()), null, null, null);
    }

    /// <summary>Turns a message member into one readable line, whatever its JSON shape.</summary>
    private static string? Describe(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                // Mistral has been seen to send a validation object JSON-encoded inside the message string.
                if (text.TrimStart().StartsWith('{'))
                {
                    try
                    {
                        using var nested = JsonDocument.Parse(text);
                        return FromJson(nested.RootElement).Message;
                    }
                    catch (JsonException)
                    {
                    }
                }

                return Shorten(text);
            case JsonValueKind.Object when value.TryGetProperty("detail", out var detail):
                return Describe(detail);
            case JsonValueKind.Object when value.TryGetProperty("message", out var message):
                return Describe(message);
            case JsonValueKind.Array:
                // FastAPI/pydantic validation: [{"loc":["body","stream_options"],"msg":"Extra inputs are not permitted"}, …]
                var problems = value.EnumerateArray().Select(DescribeValidationProblem).Where(p => p.Length > 0);
                return Shorten(string.Join("; ", problems));
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            default:
                return Shorten(value.GetRawText());
        }
    }

    private static string DescribeValidationProblem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return item.ToString();
        }

        var location = LocationOf(item);
        var msg = Text(item, "msg") ?? Text(item, "message") ?? item.GetRawText();
        return location is null ? msg : $"{location}: {msg}";
    }

    private static string? ParamOfDetail(JsonElement detail) =>
        detail.ValueKind == JsonValueKind.Array && detail.GetArrayLength() > 0 && detail[0].ValueKind == JsonValueKind.Object
            ? LocationOf(detail[0])
            : null;

    /// <summary><c>["body","stream_options","include_usage"]</c> becomes <c>stream_options.include_usage</c>.</summary>
    private static string? LocationOf(JsonElement item)
    {
        if (!item.TryGetProperty("loc", out var loc) || loc.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var parts = loc.EnumerateArray().Select(part => part.ToString()).ToList();
        if (parts.Count > 1 && parts[0] == "body")
        {
            parts.RemoveAt(0);
        }

        return string.Join('.', parts);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value.ToString()
            : null;

    private static string DescribeNonJson(string body, string? mediaType)
    {
        if (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true || body.TrimStart().StartsWith('<'))
        {
            var title = TitlePattern().Match(body);
            return title.Success ? $"an HTML page titled '{Shorten(title.Groups[1].Value)}'" : "an HTML page";
        }

        return Shorten(body)!;
    }

    private static string? Shorten(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var collapsed = new StringBuilder(Math.Min(text.Length, MaxMessageLength + 1));
        var lastWasSpace = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    collapsed.Append(' ');
                }

                lastWasSpace = true;
            }
            else
            {
                collapsed.Append(c);
                lastWasSpace = false;
            }

            if (collapsed.Length > MaxMessageLength)
            {
                return collapsed.ToString(0, MaxMessageLength) + "…";
            }
        }

        return collapsed.ToString();
    }

    [GeneratedRegex(@"<title[^>]*>([^<]*)</title>", RegexOptions.IgnoreCase)]
    private static partial Regex TitlePattern();
}
