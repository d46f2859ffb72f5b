namespace Tailor.Providers.OpenAI.Wire;

/// <summary>A non-streamed answer: <c>{"id","object":"chat.completion","created","model","choices","usage"}</c>.</summary>
/// <remarks>A plain mutable data object; not thread-safe.</remarks>
public sealed class ChatCompletionResponse
{
    public string? Id { get; set; }

    public string Object { get; set; } = "chat.completion";

    /// <summary>Unix time in seconds.</summary>
    public long Created { get; set; }

    public string? Model { get; set; }

    public List<ChatCompletionChoice> Choices { get; set; } = [];

    public ChatCompletionUsage? Usage { get; set; }

    public string? SystemFingerprint { get; set; }
}

/// <summary>One generated answer of a non-streamed response.</summary>
public sealed class ChatCompletionChoice
{
    public int Index { get; set; }

    public ChatCompletionMessage? Message { get; set; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c> (Mistral adds <c>model_length</c>, <c>error</c>).</summary>
    public string? FinishReason { get; set; }
}
