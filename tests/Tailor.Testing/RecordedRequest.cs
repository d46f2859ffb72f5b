using System.Text.Json;

namespace Tailor.Testing;

/// <summary>One request as <see cref="FakeOpenAIServer"/> received it: method, path, headers and the raw body.</summary>
/// <remarks>Immutable; safe to read from any thread.</remarks>
public sealed class RecordedRequest
{
    internal RecordedRequest(int number, string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Number = number;
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            Json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Json = null;
        }
    }

    /// <summary>1 for the first request the server received, 2 for the next, ...</summary>
    public int Number { get; }

    public string Method { get; }

    public string Path { get; }

    /// <summary>Request headers by name (case-insensitive); repeated headers are joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body exactly as received.</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON; null when it is not JSON.</summary>
    public JsonElement? Json { get; }

    public string? Model => Member("model") is { ValueKind: JsonValueKind.String } model ? model.GetString() : null;

    /// <summary>Whether the request asked for a server-sent-event stream.</summary>
    public bool Stream => Member("stream") is { ValueKind: JsonValueKind.True };

    /// <summary>Whether a streamed request asked for a final usage chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage =>
        Member("stream_options") is { ValueKind: JsonValueKind.Object } options
        && options.TryGetProperty("include_usage", out var include)
        && include.ValueKind == JsonValueKind.True;

    /// <summary>The messages of a chat request; empty when there are none.</summary>
    public IReadOnlyList<JsonElement> Messages =>
        Member("messages") is { ValueKind: JsonValueKind.Array } messages ? [.. messages.EnumerateArray()] : [];

    /// <summary>The text of the last <c>user</c> message (string content or its text parts); null when there is none.</summary>
    public string? LastUserText => Messages.LastOrDefault(m => RoleOf(m) == "user") is { ValueKind: JsonValueKind.Object } last ? TextOf(last) : null;

    /// <summary>The <c>Authorization</c> header, if any.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>A top-level member of the JSON body, if present.</summary>
    public JsonElement? Member(string name) =>
        Json is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty(name, out var value) ? value : null;

    /// <summary>Whether the JSON body has the top-level member (even if null).</summary>
    public bool Has(string name) => Member(name) is not null;

    internal static string? RoleOf(JsonElement message) =>
        message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null;

    internal static string TextOf(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return "";
        }

        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString()!,
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(part => part.GetProperty("text").GetString())),
            _ => "",
        };
    }
}
