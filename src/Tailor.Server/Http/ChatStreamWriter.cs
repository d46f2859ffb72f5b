using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Mapping;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Server.Http;

/// <summary>
/// Writes a streamed answer as OpenAI does: server-sent events of <c>chat.completion.chunk</c> objects (role first,
/// then text deltas, tool calls, the finish reason), a usage chunk when the client asked for one, and <c>data: [DONE]</c>.
/// Each event is flushed as soon as it is written. The events are serialised here, by us, with the source-generated
/// wire context: the framework's SSE result would JSON-encode strings a second time.
/// </summary>
/// <remarks>One instance per response; not thread-safe.</remarks>
internal sealed class ChatStreamWriter(HttpResponse response, string id, string model, long created, bool includeUsage)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private bool _roleSent;
    private int _toolCalls;

    /// <summary>The usage the stream reported, if any.</summary>
    public UsageDetails? Usage { get; private set; }

    /// <summary>Whether any text or tool call has been written.</summary>
    public bool WroteContent { get; private set; }

    public void Start()
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Tell buffering proxies (nginx) to pass events through as they come.
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public async Task WriteAsync(ChatResponseUpdate update, CancellationToken cancellationToken)
    {
        var delta = new ChatCompletionMessage();
        var text = new StringBuilder();
        List<ChatCompletionToolCall>? calls = null;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text: { Length: > 0 } value }:
                    text.Append(value);
                    break;
                case FunctionCallContent call:
                    (calls ??= []).Add(new ChatCompletionToolCall
                    {
                        Index = _toolCalls++,
                        Id = call.CallId,
                        Type = "function",
                        Function = new FunctionCall { Name = call.Name, Arguments = ToolCallArguments.Serialize(call.Arguments) },
                    });
                    break;
                case UsageContent usage:
                    Usage = usage.Details;
                    break;
            }
        }

        string? finish = FinishReasonMapping.ToWire(update.FinishReason);
        if (text.Length == 0 && calls is null && finish is null && _roleSent)
        {
            return;
        }

        if (!_roleSent)
        {
            delta.Role = "assistant";
            _roleSent = true;
        }

        if (text.Length > 0 || calls is null)
        {
            delta.Content = MessageContent.FromText(text.ToString());
        }

        delta.ToolCalls = calls;
        WroteContent |= text.Length > 0 || calls is not null;
        await WriteEventAsync(new ChatCompletionChunk
        {
            Id = id,
            Created = created,
            Model = model,
            Choices = [new ChatCompletionChunkChoice { Index = 0, Delta = delta, FinishReason = finish }],
        }, cancellationToken);
    }

    /// <summary>Ends a complete answer: the usage chunk (when asked for) and <c>[DONE]</c>.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (includeUsage)
        {
            await WriteEventAsync(new ChatCompletionChunk
            {
                Id = id,
                Created = created,
                Model = model,
                Choices = [],
                Usage = UsageMapping.ToWire(Usage ?? new UsageDetails()),
            }, cancellationToken);
        }

        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Ends a stream that failed after it began: an error event, and no <c>[DONE]</c>, so clients see it as failed.</summary>
    public async Task FailAsync(string message, string type, string? code, CancellationToken cancellationToken)
    {
        var error = new ErrorResponse { Error = new ErrorDetail { Message = message, Type = type, Code = code } };
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(error, OpenAIJsonContext.Default.ErrorResponse), cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private async Task WriteEventAsync(ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(chunk, OpenAIJsonContext.Default.ChatCompletionChunk), cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
