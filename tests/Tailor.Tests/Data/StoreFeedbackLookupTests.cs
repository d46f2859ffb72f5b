using Microsoft.Extensions.AI;
using Tailor.Data.Export;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Data;

/// <summary>Feedback recorded in a real SQLite store, read the way the export reads it.</summary>
public sealed class StoreFeedbackLookupTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-feedback-").FullName;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_latest_score_wins_thumbs_stand_in_for_a_missing_score_and_the_latest_correction_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = SqliteInteractionStore.Open(Path.Combine(_dir, "tailor.db"));
        var t0 = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        foreach (var id in new[] { "01A", "01B", "01C" })
        {
            await store.RecordAsync(new Interaction { Id = id, StartedAt = t0, Source = "gateway", Request = [new ChatMessage(ChatRole.User, "q")] }, ct);
        }
        await store.AddFeedbackAsync(new Feedback { Id = "F1", InteractionId = "01A", CreatedAt = t0.AddMinutes(1), Score = 2, Correction = "first fix" }, ct);
        await store.AddFeedbackAsync(new Feedback { Id = "F2", InteractionId = "01A", CreatedAt = t0.AddMinutes(2), Score = 4 }, ct);
        await store.AddFeedbackAsync(new Feedback { Id = "F3", InteractionId = "01B", CreatedAt = t0.AddMinutes(1), Thumbs = 1 }, ct);
        var lookup = new StoreFeedbackLookup(store);

        var a = await lookup.GetAsync("01A", ct);
        var b = await lookup.GetAsync("01B", ct);
        var c = await lookup.GetAsync("01C", ct);

        Assert.Equal(4, a!.Score);
        Assert.Equal("first fix", a.Correction);
        Assert.Equal(5, b!.Score);
        Assert.Null(c);
    }
}
