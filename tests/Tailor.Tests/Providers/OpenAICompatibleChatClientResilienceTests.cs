using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Tailor.Providers;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

/// <summary>Retries, timeouts and cancellation. Waits run on a fake clock; nothing here asserts wall-clock time.</summary>
public sealed class OpenAICompatibleChatClientResilienceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rate_limit_is_retried_after_the_Retry_After_seconds()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var clock = TestClients.NewClock();
        var start = clock.GetUtcNow();
        DateTimeOffset? secondArrival = null;
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromSeconds(7)));
        server.Responder = _ =>
        {
            secondArrival = clock.GetUtcNow();
            return FakeReply.Text("finally");
        };
        var retries = new RetryRecorder();
        using var client = TestClients.For(server, o => o with { TimeProvider = clock, RetryBaseDelay = TimeSpan.FromSeconds(1), OnRetry = retries.Record });

        var answer = client.GetResponseAsync("hi", cancellationToken: Ct);
        await retries.WaitAsync(1);
        await TestClients.AdvanceUntilAsync(clock, server.WaitForRequestAsync(2, Ct), TimeSpan.FromSeconds(1));

        Assert.Equal("finally", (await answer).Text);
        var retry = Assert.Single(retries.Seen);
        Assert.Equal(TimeSpan.FromSeconds(7), retry.Delay);
        Assert.Equal(429, retry.StatusCode);
        Assert.Equal(1, retry.AttemptNumber);
        // The second attempt could not go out before the fake clock had moved the 7 seconds asked for.
        Assert.True(secondArrival - start >= TimeSpan.FromSeconds(7), $"retried after {secondArrival - start}");
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Retry_After_as_an_HTTP_date_and_retry_after_ms_are_honoured_and_capped()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var clock = TestClients.NewClock();
        var date = clock.GetUtcNow().AddSeconds(30).ToString("r", CultureInfo.InvariantCulture);
        server.Enqueue(
            FakeReply.RateLimited() with { Headers = new Dictionary<string, string> { ["Retry-After"] = date } },
            FakeReply.RateLimited() with { Headers = new Dictionary<string, string> { ["retry-after-ms"] = "1500", ["Retry-After"] = "2" } },
            FakeReply.Error(503, "overloaded") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" } },
            FakeReply.Text("done"));
        var retries = new RetryRecorder();
        using var client = TestClients.For(server, o => o with { TimeProvider = clock, MaxRetryDelay = TimeSpan.FromSeconds(45), OnRetry = retries.Record });

        var answer = client.GetResponseAsync("hi", cancellationToken: Ct);
        for (var retry = 1; retry <= 3; retry++)
        {
            // Hold the clock until the client has read the answer and chosen its wait, then let the wait pass.
            await retries.WaitAsync(retry);
            await TestClients.AdvanceUntilAsync(clock, server.WaitForRequestAsync(retry + 1, Ct), retries.Seen[^1].Delay);
        }

        Assert.Equal("done", (await answer).Text);
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(45)], retries.Seen.Select(r => r.Delay));
    }

    [Fact]
    public async Task Service_unavailable_exhausts_the_retries_and_says_how_many_attempts_were_made()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.Error(503, "The engine is currently overloaded, please try again later", "server_error");
        using var client = TestClients.For(server, o => o with { MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, error.Attempts);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("currently overloaded", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public async Task Rate_limit_that_never_lifts_ends_in_a_clear_error()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.RateLimited();
        using var client = TestClients.For(server, o => o with { MaxRetries = 1 });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct));

        Assert.Equal(429, error.StatusCode);
        Assert.Contains("rate-limiting", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_retries", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.Error(400, "bad", "invalid_request_error");
        using var client = TestClients.For(server);

        await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task No_response_headers_within_the_first_byte_timeout_is_retried()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.HangBeforeHeaders(), FakeReply.Text("second try"));
        var clock = TestClients.NewClock();
        var reasons = new List<string>();
        using var client = TestClients.For(server, o => o with
        {
            TimeProvider = clock,
            FirstByteTimeout = TimeSpan.FromSeconds(60),
            OnRetry = args =>
            {
                reasons.Add(args.Reason);
                return ValueTask.CompletedTask;
            },
        });

        var answer = client.GetResponseAsync("hi", cancellationToken: Ct);
        await server.WaitForRequestAsync(1, Ct);
        clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal("second try", (await answer).Text);
        Assert.Equal(["no response within 60s"], reasons);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task First_byte_timeouts_that_persist_end_in_a_no_response_error_with_the_url()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.HangBeforeHeaders();
        var clock = TestClients.NewClock();
        using var client = TestClients.For(server, o => o with { TimeProvider = clock, MaxRetries = 1 });

        var answer = Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
        await server.WaitForRequestAsync(1, Ct);
        clock.Advance(TimeSpan.FromSeconds(60));
        await server.WaitForRequestAsync(2, Ct);
        clock.Advance(TimeSpan.FromSeconds(60));
        var error = await answer;

        Assert.Equal($"no response from {server.BaseUrl}chat/completions within 60s after 2 attempts", error.Message);
        Assert.Contains("timeout", error.Hint, StringComparison.Ordinal);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_the_call_is_a_cancellation_not_a_timeout_and_is_not_retried()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.HangBeforeHeaders();
        using var client = TestClients.For(server);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var answer = client.GetResponseAsync("hi", cancellationToken: caller.Token);
        await server.WaitForRequestAsync(1, Ct);
        await caller.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        Assert.IsNotType<ModelProviderException>(error);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Cancelling_a_stream_midway_is_a_cancellation()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("one two three four") with { StallAfterChunks = 2 });
        using var client = TestClients.For(server);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var seen = new List<ChatResponseUpdate>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: caller.Token))
            {
                seen.Add(update);
                if (seen.Count == 2)
                {
                    await caller.CancelAsync();
                }
            }
        });

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task A_stream_cut_midway_fails_after_the_updates_already_yielded_and_is_not_retried()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("one two three four") with { CutAfterChunks = 3 });
        using var client = TestClients.For(server);

        var seen = new List<ChatResponseUpdate>();
        var error = await Assert.ThrowsAsync<ModelProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
            {
                seen.Add(update);
            }
        });

        Assert.Equal("one two", seen.ToChatResponse().Text);
        Assert.Contains("broke after 3 streamed updates", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_stream_that_stalls_longer_than_the_idle_timeout_fails_as_stalled()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("one two three four") with { StallAfterChunks = 3 });
        var clock = TestClients.NewClock();
        using var client = TestClients.For(server, o => o with { TimeProvider = clock, StreamIdleTimeout = TimeSpan.FromSeconds(30) });

        await using var updates = client.GetStreamingResponseAsync("hi", cancellationToken: Ct).GetAsyncEnumerator(Ct);
        var seen = new List<ChatResponseUpdate>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await updates.MoveNextAsync());
            seen.Add(updates.Current);
        }

        // A consumer that takes its time between updates is not a stalled server.
        clock.Advance(TimeSpan.FromMinutes(5));
        var next = updates.MoveNextAsync().AsTask();
        clock.Advance(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<ModelProviderException>(() => next);

        Assert.Equal("one two", seen.ToChatResponse().Text);
        Assert.Contains("stalled: no data for 30s after 3 updates", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_stream_that_ends_without_finishing_is_an_error()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Raw(200, """
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"half"},"finish_reason":null}]}


            """, "text/event-stream"));
        using var client = TestClients.For(server);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct));

        Assert.Contains("ended after 1 updates without finishing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_reported_inside_a_stream_is_surfaced_with_the_vendor_message()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Raw(200, """
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"par"},"finish_reason":null}]}

            data: {"error":{"message":"The server had an error while processing your request.","type":"server_error"}}


            """, "text/event-stream"));
        using var client = TestClients.For(server);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToChatResponseAsync(Ct));

        Assert.Contains("The server had an error while processing your request.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_failures_are_retried_then_reported_with_the_url()
    {
        var closedPort = FreeLoopbackPort();
        var attempts = 0;
        using var client = new Tailor.Providers.OpenAI.OpenAICompatibleChatClient(new()
        {
            BaseUri = new Uri($"http://127.0.0.1:{closedPort}/v1"),
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.Zero,
            OnRetry = _ =>
            {
                attempts++;
                return ValueTask.CompletedTask;
            },
        });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(2, attempts);
        Assert.Equal(3, error.Attempts);
        Assert.StartsWith($"could not reach http://127.0.0.1:{closedPort}/v1/chat/completions after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("base_url", error.Hint, StringComparison.Ordinal);
    }

    private static int FreeLoopbackPort()
    {
        // Bind, read the port, release: nothing listens there afterwards, so connecting is refused.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>Collects retry notices and lets a test wait for the n-th.</summary>
    private sealed class RetryRecorder
    {
        private readonly SemaphoreSlim _signal = new(0);
        private readonly List<ProviderRetryArguments> _seen = [];

        public IReadOnlyList<ProviderRetryArguments> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public ValueTask Record(ProviderRetryArguments args)
        {
            lock (_seen)
            {
                _seen.Add(args);
            }

            _signal.Release();
            return ValueTask.CompletedTask;
        }

        public async Task WaitAsync(int count)
        {
            while (Seen.Count < count)
            {
                await _signal.WaitAsync(Ct);
            }
        }
    }
}
