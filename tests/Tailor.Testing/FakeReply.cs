namespace Tailor.Testing;

/// <summary>
/// What <see cref="FakeOpenAIServer"/> answers to one chat request. Build one with a factory
/// (<see cref="Text"/>, <see cref="ToolCalls"/>, <see cref="Error"/>, <see cref="RateLimited"/>, <see cref="Raw"/>,
/// <see cref="HangBeforeHeaders"/>) and adjust it with <c>with { … }</c>. Text and tool-call replies follow the
/// request: a JSON <c>chat.completion</c> for <c>stream:false</c>, server-sent chunks for <c>stream:true</c>.
/// </summary>
public sealed record FakeReply
{
    private FakeReply(FakeReplyKind kind)
    {
        Kind = kind;
    }

    internal FakeReplyKind Kind { get; }

    /// <summary>HTTP status of the reply.</summary>
    public int StatusCode { get; init; } = 200;

    /// <summary>Assistant text (text replies).</summary>
    public string? Content { get; init; }

    /// <summary>Tool calls (tool-call replies).</summary>
    public IReadOnlyList<FakeToolCall> Calls { get; init; } = [];

    /// <summary><c>finish_reason</c> of the choice.</summary>
    public string FinishReason { get; init; } = "stop";

    /// <summary>Token usage to report; null counts words of the request and the answer.</summary>
    public FakeUsage? Usage { get; init; }

    /// <summary>Model id to report; null echoes the request's model (or <c>fake-model</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Streams only: after this many events (the role chunk counts), the server drops the connection.</summary>
    public int? CutAfterChunks { get; init; }

    /// <summary>Streams only: after this many events, the server stops sending but keeps the connection open.</summary>
    public int? StallAfterChunks { get; init; }

    /// <summary>Wait this long before replying; null uses the server's <see cref="FakeOpenAIServer.Latency"/>.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Extra response headers (<c>Retry-After</c>, <c>x-request-id</c>, …).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Error replies: the <c>error</c> object members.</summary>
    public string? ErrorMessage { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorParam { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>Raw replies: the body written verbatim, and its content type.</summary>
    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>How a raw body is encoded on the wire (UTF-8 when null); say the charset in <see cref="ContentType"/>.</summary>
    public System.Text.Encoding? BodyEncoding { get; init; }

    /// <summary>An assistant answer with <paramref name="content"/>; streamed word by word.</summary>
    public static FakeReply Text(string content, string finishReason = "stop") =>
        new(FakeReplyKind.Completion) { Content = content, FinishReason = finishReason };

    /// <summary>An assistant turn that calls tools; streamed as partial tool-call deltas (id and name first, arguments in pieces).</summary>
    public static FakeReply ToolCalls(params FakeToolCall[] calls) =>
        new(FakeReplyKind.Completion) { Calls = calls, FinishReason = "tool_calls" };

    /// <summary>An OpenAI-shaped error: <c>{"error":{"message","type","param","code"}}</c> with <paramref name="statusCode"/>.</summary>
    public static FakeReply Error(int statusCode, string message, string? type = null, string? param = null, string? code = null) =>
        new(FakeReplyKind.Error) { StatusCode = statusCode, ErrorMessage = message, ErrorType = type, ErrorParam = param, ErrorCode = code };

    /// <summary>429 with OpenAI's rate-limit error; <c>Retry-After</c> in whole seconds when <paramref name="retryAfter"/> is given.</summary>
    public static FakeReply RateLimited(TimeSpan? retryAfter = null)
    {
        var reply = Error(429, "Rate limit reached for requests", "requests", code: "rate_limit_exceeded");
        return retryAfter is { } wait
            ? reply with { Headers = new Dictionary<string, string> { ["Retry-After"] = ((long)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) } }
            : reply;
    }

    /// <summary>Any status with a verbatim body: non-JSON errors, hand-written SSE (<c>text/event-stream</c>), odd shapes.</summary>
    public static FakeReply Raw(int statusCode, string body, string contentType = "application/json") =>
        new(FakeReplyKind.Raw) { StatusCode = statusCode, Body = body, ContentType = contentType };

    /// <summary>Never sends response headers; the request ends only when the client gives up or the server stops.</summary>
    public static FakeReply HangBeforeHeaders() => new(FakeReplyKind.Hang);
}

/// <summary>A tool call in a <see cref="FakeReply.ToolCalls"/> reply; <paramref name="ArgumentsJson"/> is sent as the JSON-encoded string.</summary>
public sealed record FakeToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>Token counts a reply reports.</summary>
public sealed record FakeUsage(int PromptTokens, int CompletionTokens);

internal enum FakeReplyKind
{
    Completion,
    Error,
    Raw,
    Hang,
}
