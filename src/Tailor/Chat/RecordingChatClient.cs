using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Moderation;
using Tailor.Store;

namespace Tailor.Chat;

/// <summary>
/// Hands every exchange to an <see cref="IInteractionSink"/>: the request as the caller sent it, the
/// response (partial when cancelled or cut), model, prompt version, usage, latency, time to first
/// token and errors. Sits outermost in a pipeline so it records what the user sent and received.
/// </summary>
/// <remarks>
/// Thread-safe. A call completes only after its record is written, so a caller that got an answer
/// knows it is in the log. When the exchange itself failed, a failure to record does not hide the
/// original exception; it is attached to <see cref="Exception.Data"/> under <c>tailor.recording_error</c>.
/// </remarks>
public sealed class RecordingChatClient : DelegatingChatClient
{
    private readonly IInteractionSink _sink;
    private readonly TimeProvider _time;
    private readonly UlidGenerator _ids;

    // MEAI's defaults indent; a log written per request stays compact. Moderation verdicts are written as they are.
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions)
    {
        WriteIndented = false,
        Converters = { new ModerationVerdictJsonConverter() },
    };

    public RecordingChatClient(IChatClient innerClient, IInteractionSink sink, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _time = timeProvider ?? TimeProvider.System;
        _ids = new UlidGenerator(_time);
    }

    /// <summary>What produced these exchanges (<c>chat</c>, <c>ask</c>, <c>eval</c>, ...) unless the request's context says.</summary>
    public string Source { get; set; } = "library";

    /// <summary>The spec alias or gateway route, unless the request's context says.</summary>
    public string? Route { get; set; }

    /// <summary>The provider behind this pipeline, unless the request's context says.</summary>
    public string? Provider { get; set; }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Snapshot(messages);
        var (context, innerOptions) = Attach(options);
        var started = _time.GetUtcNow();
        long t0 = _time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(request, innerOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(ex, context, request, options, started, t0, null, streamed: false, partial: null, cancellationToken).ConfigureAwait(false);
            throw;
        }

        double latency = _time.GetElapsedTime(t0).TotalMilliseconds;
        await _sink.RecordAsync(Build(context, request, options, started, response, InteractionStatus.Ok, null, latency, ttft: null, streamed: false), CancellationToken.None)
            .ConfigureAwait(false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = Snapshot(messages);
        var (context, innerOptions) = Attach(options);
        var started = _time.GetUtcNow();
        long t0 = _time.GetTimestamp();
        double? ttft = null;
        var updates = new List<ChatResponseUpdate>();
        bool completed = false;
        Exception? failure = null;

        // Enumerated by hand: a yield cannot sit inside a try that has a catch.
        var enumerator = base.GetStreamingResponseAsync(request, innerOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        completed = true;
                        break;
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                    throw;
                }
                var update = enumerator.Current;
                updates.Add(update);
                if (ttft is null && update.Contents.Any(c => c is TextContent { Text.Length: > 0 } or FunctionCallContent))
                {
                    ttft = _time.GetElapsedTime(t0).TotalMilliseconds;
                }
                yield return update;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            var partial = updates.ToChatResponse();
            if (!completed && partial.Usage is null && updates.Count > 0)
            {
                // The usage chunk comes last, so a stream cut short has none. Servers send about one token per
                // chunk: count the chunks that carried text so the cost of the partial answer is not recorded as zero.
                partial.Usage = new UsageDetails { OutputTokenCount = updates.Count(u => u.Contents.Any(c => c is TextContent { Text.Length: > 0 } or FunctionCallContent)) };
                context.Metadata["usage_estimated"] = true;
            }

            if (failure is not null)
            {
                await RecordFailureAsync(failure, context, request, options, started, t0, ttft, streamed: true, partial, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Not completed and no failure: the caller stopped reading (Ctrl+C, a closed connection).
                var status = completed ? InteractionStatus.Ok : InteractionStatus.Cancelled;
                double latency = _time.GetElapsedTime(t0).TotalMilliseconds;
                await _sink.RecordAsync(Build(context, request, options, started, partial, status, null, latency, ttft, streamed: true), CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }
    }

    private async Task RecordFailureAsync(
        Exception exception, InteractionContext context, List<ChatMessage> request, ChatOptions? options,
        DateTimeOffset started, long t0, double? ttft, bool streamed, ChatResponse? partial, CancellationToken cancellationToken)
    {
        bool cancelled = exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
        var status = cancelled ? InteractionStatus.Cancelled : InteractionStatus.Error;
        string? error = cancelled ? null : $"{exception.GetType().Name}: {exception.Message}";
        double latency = _time.GetElapsedTime(t0).TotalMilliseconds;
        try
        {
            await _sink.RecordAsync(Build(context, request, options, started, partial, status, error, latency, ttft, streamed), CancellationToken.None)
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The exchange's own exception must reach the caller; the recording failure travels with it.
        catch (Exception recordingError)
#pragma warning restore CA1031
        {
            exception.Data["tailor.recording_error"] = recordingError.Message;
        }
    }

    private Interaction Build(
        InteractionContext context, List<ChatMessage> request, ChatOptions? options, DateTimeOffset started,
        ChatResponse? response, InteractionStatus status, string? error, double latency, double? ttft, bool streamed)
    {
        var prompt = context.AppliedPrompt;
        return new Interaction
        {
            Id = context.Id!,
            StartedAt = started,
            CompletedAt = _time.GetUtcNow(),
            Source = context.Source ?? Source,
            Route = context.Route ?? Route,
            Provider = context.Provider ?? Provider,
            ModelId = response?.ModelId ?? context.ModelId ?? options?.ModelId,
            PromptId = prompt?.Id,
            PromptVersion = prompt?.Version,
            PromptText = prompt?.Text,
            KeyId = context.KeyId,
            SessionId = context.SessionId,
            Request = context.LoggedRequest is { } logged ? [.. logged] : request,
            RequestOptionsJson = InteractionJson.SerializeOptions(options),
            Response = response?.Messages.ToList() ?? [],
            FinishReason = response?.FinishReason?.Value,
            InputTokens = response?.Usage?.InputTokenCount,
            OutputTokens = response?.Usage?.OutputTokenCount,
            Streamed = streamed,
            LatencyMs = latency,
            TimeToFirstTokenMs = ttft,
            Status = status,
            Error = error,
            MetadataJson = context.Metadata.IsEmpty
                ? null
                : InteractionMetadataJson.Write(context.Metadata, CompactJson),
        };
    }

    private (InteractionContext Context, ChatOptions Options) Attach(ChatOptions? options)
    {
        // Options that already carry a context (the gateway attaches one per request) go on as they are: nothing to add.
        if (InteractionContext.Get(options) is { } attached)
        {
            attached.Id ??= _ids.Next();
            return (attached, options!);
        }

        var context = new InteractionContext { Id = _ids.Next() };
        return (context, context.AttachTo(options));
    }

    // The caller may reuse or mutate its list after the call; the record keeps what was sent.
    private static List<ChatMessage> Snapshot(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.ToList();
    }
}
