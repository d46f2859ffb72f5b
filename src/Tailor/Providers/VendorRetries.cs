using Polly;
using Polly.Retry;
using Tailor.Providers.OpenAI;

namespace Tailor.Providers;

/// <summary>
/// The retry policy of a vendor's REST endpoints (files, fine-tuning, moderation): 408, 429, 5xx and broken connections
/// are retried with exponential backoff and jitter, waiting what <c>Retry-After</c> asks; a failed attempt's response is
/// disposed so only the last one reaches the caller.
/// </summary>
internal static class VendorRetries
{
    /// <summary>A pipeline that retries up to <paramref name="maxRetries"/> times (none when 0), on <paramref name="time"/>'s clock.</summary>
    public static ResiliencePipeline<HttpResponseMessage> Create(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay,
                MaxDelay = maxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } r } => (int)r.StatusCode is 408 or 429 or 500 or 502 or 503 or 504,
                    { Exception: HttpRequestException or TimeoutException } => true,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RetryAfterHeader.Read(r, time.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }
}
