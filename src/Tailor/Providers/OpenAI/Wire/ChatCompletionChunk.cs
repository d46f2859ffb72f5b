using System.Text.Json;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// One server-sent event of a streamed answer: <c>{"id","object":"chat.completion.chunk","created","model","choices":[{"index","delta","finish_reason"}]}</c>.
/// With <c>stream_options.include_usage</c> the last chunk has no choices and carries <see cref="Usage"/>.
/// </summary>
/// <remarks>A plain mutable data object; not thread-safe.</remarks>
public sealed class ChatCompletionChunk
{
    public string? Id { get; set; }

    public string Object { get; set; } = "chat.completion.chunk";

    public long Created { get; set; }

    public string? Model { get; set; }

    public List<ChatCompletionChunkChoice> Choices { get; set; } = [];

    public ChatCompletionUsage? Usage { get; set; }

    public string? SystemFingerprint { get; set; }

    /// <summary>Set instead of choices when a server reports a failure inside an already started stream.</summary>
    public JsonElement? Error { get; set; }
}

/// <summary>The change to one choice carried by a chunk.</summary>
public sealed class ChatCompletionChunkChoice
{
    public int Index { get; set; }

    public ChatCompletionMessage? Delta { get; set; }

    public string? FinishReason { get; set; }
}
