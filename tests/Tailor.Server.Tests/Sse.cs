using System.Text.Json;

namespace Tailor.Server.Tests;

/// <summary>Reads a server-sent-event body the way a strict client does: <c>data:</c> lines, each a JSON chunk, until <c>[DONE]</c>.</summary>
internal sealed record SseBody(IReadOnlyList<JsonElement> Chunks, bool Done, IReadOnlyList<JsonElement> Errors)
{
    public string Text => string.Concat(Chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
        .Select(choice => choice.GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : ""));

    public static SseBody Parse(string body)
    {
        var chunks = new List<JsonElement>();
        var errors = new List<JsonElement>();
        bool done = false;
        foreach (var line in body.Split('\n'))
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            string data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            var element = JsonDocument.Parse(data).RootElement.Clone();
            (element.TryGetProperty("error", out _) ? errors : chunks).Add(element);
        }

        return new SseBody(chunks, done, errors);
    }
}
