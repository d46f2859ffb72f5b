namespace Tailor.Providers;

/// <summary>Told to an observer just before a provider request is retried.</summary>
/// <param name="AttemptNumber">The attempt that failed, counting from 1.</param>
/// <param name="Delay">How long the client waits before the next attempt (the server's <c>Retry-After</c> when it sent one).</param>
/// <param name="StatusCode">HTTP status of the failed attempt; null when there was no response (timeout, connection failure).</param>
/// <param name="Reason">Why the attempt failed, in words: "HTTP 429", "no response within 60s", "connection refused".</param>
public sealed record ProviderRetryArguments(int AttemptNumber, TimeSpan Delay, int? StatusCode, string Reason);
