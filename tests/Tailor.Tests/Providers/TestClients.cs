using Microsoft.Extensions.Time.Testing;
using Tailor.Providers.OpenAI;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

/// <summary>Clients aimed at a <see cref="FakeOpenAIServer"/>, with retry waits of zero unless a test says otherwise.</summary>
internal static class TestClients
{
    public static OpenAICompatibleChatClient For(FakeOpenAIServer server, Func<OpenAICompatibleChatClientOptions, OpenAICompatibleChatClientOptions>? configure = null)
    {
        var options = new OpenAICompatibleChatClientOptions
        {
            BaseUri = server.BaseUrl,
            DefaultModelId = "fake-model",
            RetryBaseDelay = TimeSpan.Zero,
        };
        return new OpenAICompatibleChatClient(configure is null ? options : configure(options));
    }

    /// <summary>A fake clock at a whole second, so HTTP dates (second resolution) convert exactly.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Moves the fake clock forward in <paramref name="step"/>s until <paramref name="done"/> completes. The client
    /// schedules its timers at moments the test cannot observe, so the clock is nudged and the system given a turn.
    /// </summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider clock, Task done, TimeSpan step)
    {
        for (var i = 0; i < 10_000 && !done.IsCompleted; i++)
        {
            clock.Advance(step);
            await Task.WhenAny(done, Task.Delay(10, TestContext.Current.CancellationToken));
        }

        await done;
    }
}
