using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using Tailor.Providers.OpenAI.Mapping;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> over any server that speaks the OpenAI chat-completions format (OpenAI, Mistral,
/// llama-server, vLLM, Ollama), with the vendor's quirks handled by a <see cref="ChatCompletionsDialect"/>.
/// </summary>
/// <remarks>
/// <para>Thread-safe: one instance serves any number of concurrent requests. It never mutates the caller's messages or options.</para>
/// <para>
/// Time limits never cut a long generation that is making progress: a connect timeout, a first-byte timeout per
/// attempt (<see cref="OpenAICompatibleChatClientOptions.FirstByteTimeout"/>), and for bodies an idle timeout between
/// pieces; no total timeout. Cancelling the caller's token throws <see cref="OperationCanceledException"/>; every other
/// failure is a <see cref="ModelProviderException"/> that says what happened and how to fix it.
/// </para>
/// <para>
/// Failed attempts are retried (see <see cref="OpenAICompatibleChatClientOptions.MaxRetries"/>) with exponential backoff
/// and jitter, honouring the server's <c>Retry-After</c>. A stream is never retried once its response has begun:
/// the caller may already have shown part of it.
/// </para>
/// </remarks>
public sealed class OpenAICompatibleChatClient : IChatClient
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    private readonly OpenAICompatibleChatClientOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly TimeSpan _idleTimeout;
    private readonly ProviderErrors _errors;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ChatClientMetadata _metadata;

    public OpenAICompatibleChatClient(OpenAICompatibleChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.BaseUri);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FirstByteTimeout, TimeSpan.Zero);

        _options = options;
        var baseUri = WithTrailingSlash(options.BaseUri);
        _endpoint = new Uri(baseUri, "chat/completions");
        _idleTimeout = options.StreamIdleTimeout ?? options.FirstByteTimeout;
        _errors = new ProviderErrors(options.ProviderName, baseUri, _endpoint, options.ApiKeyVariable, options.ApiKey);
        _metadata = new ChatClientMetadata(options.ProviderName, baseUri, options.DefaultModelId);

        // One HttpClient per client over a shared handler; its own timeout is off because ours are finer-grained.
        var handler = options.HttpHandler ?? SharedHttpHandlers.ForConnectTimeout(options.ConnectTimeout);
        _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = BuildRetryPipeline();
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: false);
        var (response, attempts) = await SendAsync(request, stream: false, cancellationToken);
        using (response)
        {
            if (response.IsSuccessStatusCode && IsUtf8(response))
            {
                // The usual answer: parsed from its UTF-8 bytes, without a string of the body first.
                var bytes = await ReadBodyAsync(response, static (content, token) => content.ReadAsByteArrayAsync(token), cancellationToken);
                return OpenAIResponseMapping.ToChatResponse(ParseCompletion(bytes, MediaType(response)));
            }

            var body = await ReadBodyAsync(response, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw _errors.FromStatus((int)response.StatusCode, ErrorBody.Parse(body, MediaType(response)), request.Model, attempts);
            }

            return OpenAIResponseMapping.ToChatResponse(ParseCompletion(body, MediaType(response)));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: true);
        var (response, attempts) = await SendAsync(request, stream: true, cancellationToken);
        using var _ = response;

        if (!response.IsSuccessStatusCode)
        {
            var errorBody = await ReadBodyAsync(response, cancellationToken);
            throw _errors.FromStatus((int)response.StatusCode, ErrorBody.Parse(errorBody, MediaType(response)), request.Model, attempts);
        }

        if (!string.Equals(MediaType(response), "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            // Some servers ignore stream:true and answer in one piece; that answer is still a valid one.
            var completion = ParseCompletion(await ReadBodyAsync(response, cancellationToken), MediaType(response));
            foreach (var update in OpenAIResponseMapping.ToChatResponse(completion).ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var assembler = new ChatCompletionChunkAssembler();
        var body = await response.Content.ReadAsStreamAsync(linked.Token);
        await using var events = SseParser.Create(body).EnumerateAsync(linked.Token).GetAsyncEnumerator(linked.Token);

        var sawDone = false;
        while (await NextEventAsync(events, idle, assembler.UpdateCount, cancellationToken) is { } item)
        {
            if (item.Data == "[DONE]")
            {
                sawDone = true;
                break;
            }

            if (string.IsNullOrWhiteSpace(item.Data))
            {
                continue;
            }

            foreach (var update in assembler.Add(ParseChunk(item, assembler.UpdateCount)))
            {
                yield return update;
            }
        }

        if (!sawDone && !assembler.HasFinished)
        {
            throw _errors.StreamEndedEarly(assembler.UpdateCount);
        }

        foreach (var update in assembler.Complete())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases this client's <see cref="HttpClient"/>; the shared handler stays for other clients.</summary>
    public void Dispose() => _http.Dispose();

    private ChatCompletionRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var effective = _options.GenerationDefaults.ApplyTo(options, _options.DefaultModelId);
        var request = OpenAIRequestMapping.ToChatCompletionRequest(messages, effective);
        _options.Dialect.Apply(request, stream);
        return request;
    }

    /// <summary>Sends with retries until response headers arrive; returns the final response (success or not) and the attempt count.</summary>
    private async Task<(HttpResponseMessage Response, int Attempts)> SendAsync(ChatCompletionRequest request, bool stream, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, OpenAIJsonContext.Default.ChatCompletionRequest);
        var attempts = 0;
        try
        {
            var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    return await SendOnceAsync(body, stream, token);
                },
                cancellationToken);
            return (response, attempts);
        }
        catch (NoResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw _errors.NoResponse(_options.FirstByteTimeout, attempts, e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw _errors.ConnectionFailed(e, attempts);
        }
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(byte[] body, bool stream, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Accept.Add(stream ? AcceptEventStream : AcceptJson);
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        using var firstByte = new CancellationTokenSource(_options.FirstByteTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, firstByte.Token);
        try
        {
            return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && firstByte.IsCancellationRequested)
        {
            throw new NoResponseException(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not our token and not the caller's: the handler's connect timeout.
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"no connection within the connect timeout", e);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetryPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _options.TimeProvider };
        if (_options.MaxRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = _options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryBaseDelay,
            MaxDelay = _options.MaxRetryDelay,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
            DelayGenerator = args =>
            {
                var asked = args.Outcome.Result is { } response ? RetryAfterHeader.Read(response, _options.TimeProvider.GetUtcNow()) : null;
                return ValueTask.FromResult(asked is { } wait ? (TimeSpan?)Min(wait, _options.MaxRetryDelay) : null);
            },
            OnRetry = async args =>
            {
                var status = args.Outcome.Result is { } failed ? (int?)failed.StatusCode : null;
                var reason = args.Outcome.Exception switch
                {
                    NoResponseException => $"no response within {Durations.Format(_options.FirstByteTimeout)}",
                    { } exception => exception.Message,
                    null => $"HTTP {status}",
                };

                // The failed response is dropped here; only the last attempt's response reaches the caller.
                args.Outcome.Result?.Dispose();
                if (_options.OnRetry is { } observer)
                {
                    await observer(new ProviderRetryArguments(args.AttemptNumber + 1, args.RetryDelay, status, reason));
                }
            },
        }).Build();
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken callerToken) => outcome switch
    {
        { Exception: NoResponseException } => true,
        { Exception: HttpRequestException } => !callerToken.IsCancellationRequested,
        { Result: { } response } => (int)response.StatusCode is 408 or 429 or 500 or 502 or 503 or 504,
        _ => false,
    };

    private Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ReadBodyAsync(response, static (content, token) => content.ReadAsStringAsync(token), cancellationToken);

    private async Task<T> ReadBodyAsync<T>(HttpResponseMessage response, Func<HttpContent, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(_idleTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            return await read(response.Content, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
        {
            throw _errors.BodyStalled(_idleTimeout, 0);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw _errors.BodyBroken(e, 0);
        }
    }

    /// <summary>Waits for the next server-sent event with the idle timeout armed only while waiting.</summary>
    private async ValueTask<SseItem<string>?> NextEventAsync(
        IAsyncEnumerator<SseItem<string>> events, CancellationTokenSource idle, int updates, CancellationToken cancellationToken)
    {
        idle.CancelAfter(_idleTimeout);
        try
        {
            return await events.MoveNextAsync() ? events.Current : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
        {
            throw _errors.BodyStalled(_idleTimeout, updates);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw _errors.BodyBroken(e, updates);
        }
        finally
        {
            // Disarm while the caller handles the update: a slow consumer is not a stalled server.
            idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private ChatCompletionChunk ParseChunk(SseItem<string> item, int updates)
    {
        ChatCompletionChunk? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize(item.Data, OpenAIJsonContext.Default.ChatCompletionChunk);
        }
        catch (JsonException e)
        {
            throw _errors.UnreadableBody($"a chunk that is not JSON: {Shorten(item.Data)}", "text/event-stream", e);
        }

        if (chunk?.Error is { } error)
        {
            throw _errors.StreamReportedError(error, updates);
        }

        return chunk ?? throw _errors.UnreadableBody("a null chunk", "text/event-stream", null);
    }

    private ChatCompletionResponse ParseCompletion(byte[] bytes, string? mediaType)
    {
        // A byte order mark is not JSON; reading the body as text dropped it, so it is dropped here too.
        var body = bytes.AsSpan();
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }
        try
        {
            var completion = JsonSerializer.Deserialize(body, OpenAIJsonContext.Default.ChatCompletionResponse);
            if (completion is not null && (completion.Choices.Count > 0 || completion.Id is not null))
            {
                return completion;
            }
        }
        catch (JsonException)
        {
            // Reported below from the text, as for a body read as text.
        }

        return ParseCompletion(Encoding.UTF8.GetString(body), mediaType);
    }

    // JSON is UTF-8 (RFC 8259); a body that names another charset is read as text in it instead.
    private static bool IsUtf8(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.CharSet is not { Length: > 0 } charset
        || charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
        || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private ChatCompletionResponse ParseCompletion(string body, string? mediaType)
    {
        try
        {
            var completion = JsonSerializer.Deserialize(body, OpenAIJsonContext.Default.ChatCompletionResponse);
            if (completion is not null && (completion.Choices.Count > 0 || completion.Id is not null))
            {
                return completion;
            }
        }
        catch (JsonException e)
        {
            throw _errors.UnreadableBody(ErrorBody.Parse(body, mediaType).Message ?? "an empty body", mediaType, e);
        }

        throw _errors.UnreadableBody(ErrorBody.Parse(body, mediaType).Message ?? "an empty body", mediaType, null);
    }

    private static string? MediaType(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType;

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>An attempt got no response headers within the first-byte timeout.</summary>
    private sealed class NoResponseException(Exception inner) : Exception("no response within the first-byte timeout", inner);
}
