using Microsoft.Extensions.AI;
using Tailor.Store;

namespace Tailor.Tests.Store;

/// <summary>
/// What every <see cref="IGatewayStore"/> must do, run against each implementation (SQLite file, real PostgreSQL server)
/// by a subclass that says how to open a fresh store and how to reopen it.
/// </summary>
public abstract class GatewayStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Opens the store under test (a fresh one the first time; the same data on later calls).</summary>
    protected abstract Task<IGatewayStore> OpenAsync();

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    internal static Interaction Sample(string id, DateTimeOffset at, string? keyId = null, string route = "support") => new()
    {
        Id = id,
        StartedAt = at,
        CompletedAt = at.AddMilliseconds(420),
        Source = "gateway",
        Route = route,
        Provider = "openai-compatible",
        ModelId = "tiny-1",
        PromptId = "support",
        PromptVersion = "abc123def456",
        PromptText = "You are the support assistant.",
        KeyId = keyId,
        SessionId = "S1",
        Request = [new ChatMessage(ChatRole.User, "How do refunds work? ünïcödé ✓")],
        RequestOptionsJson = """{"temperature":0.2}""",
        Response =
        [
            new ChatMessage(ChatRole.Assistant,
            [
                new TextContent("Let me check."),
                new FunctionCallContent("call_1", "lookup_policy", new Dictionary<string, object?> { ["topic"] = "refunds" }),
            ]),
        ],
        FinishReason = "tool_calls",
        InputTokens = 12,
        OutputTokens = 7,
        Streamed = true,
        LatencyMs = 420.5,
        TimeToFirstTokenMs = 80.25,
        Status = InteractionStatus.Ok,
        MetadataJson = """{"routing":{"target":"baseline"}}""",
    };

    private static ApiKeyRecord Key(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Name = "alice",
        SecretHash = [1, 2, 3, 4, 250, 251, 252, 253],
        CreatedAt = at,
        ExpiresAt = at.AddDays(30),
        RequestsPerMinute = 60,
        TokensPerMinute = 10_000,
        TokenQuota = 1_000_000,
    };

    [Fact]
    public async Task An_interaction_reads_back_field_for_field_after_reopening()
    {
        await using (var store = await OpenAsync())
        {
            await store.RecordAsync(Sample("01JDKZ0000000000000000000A", T0, keyId: "k1"));
        }

        await using var reopened = await OpenAsync();
        var read = await reopened.GetAsync("01JDKZ0000000000000000000A");

        Assert.NotNull(read);
        Assert.Equal(T0, read.StartedAt);
        Assert.Equal(T0.AddMilliseconds(420), read.CompletedAt);
        Assert.Equal(("gateway", "support", "openai-compatible", "tiny-1"), (read.Source, read.Route, read.Provider, read.ModelId));
        Assert.Equal(("support", "abc123def456", "You are the support assistant."), (read.PromptId, read.PromptVersion, read.PromptText));
        Assert.Equal(("k1", "S1"), (read.KeyId, read.SessionId));
        Assert.Equal("How do refunds work? ünïcödé ✓", Assert.Single(read.Request).Text);
        var answer = Assert.Single(read.Response);
        Assert.Equal("Let me check.", answer.Text);
        Assert.Equal("refunds", Assert.Single(answer.Contents.OfType<FunctionCallContent>()).Arguments!["topic"]!.ToString());
        Assert.Equal(("tool_calls", 12L, 7L, true), (read.FinishReason, read.InputTokens, read.OutputTokens, read.Streamed));
        Assert.Equal((420.5, 80.25), (read.LatencyMs, read.TimeToFirstTokenMs));
        Assert.Equal("""{"temperature":0.2}""", read.RequestOptionsJson);
        Assert.Equal("""{"routing":{"target":"baseline"}}""", read.MetadataJson);
        Assert.Null(await reopened.GetAsync("01JDKZ0000000000000000000B"));
    }

    [Fact]
    public async Task A_batch_is_written_whole_and_a_batch_with_a_duplicate_id_is_written_not_at_all()
    {
        await using var store = await OpenAsync();
        var batch = Enumerable.Range(0, 50).Select(i => Sample($"01B{i:D3}", T0.AddSeconds(i))).ToList();
        await store.RecordBatchAsync(batch);
        Assert.Equal(50, await store.CountAsync());

        List<Interaction> broken = [Sample("01C000", T0), Sample("01C001", T0), Sample("01B000", T0)];
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.RecordBatchAsync(broken));

        Assert.Equal(50, await store.CountAsync());
        Assert.Null(await store.GetAsync("01C000"));

        // The next batch is written (statements a store keeps prepared recover from the failed one), and a value that
        // is null in one row and set in the next, or the other way round, is stored as given in each.
        var bare = Sample("01C001", T0) with { CompletedAt = null, SessionId = null, ModelId = null, InputTokens = null, MetadataJson = null, PromptVersion = null };
        await store.RecordBatchAsync([Sample("01C000", T0), bare, Sample("01C002", T0)]);
        Assert.Equal(53, await store.CountAsync());
        var read = await store.GetAsync("01C001");
        Assert.NotNull(read);
        Assert.Null(read.CompletedAt);
        Assert.Null(read.SessionId);
        Assert.Null(read.ModelId);
        Assert.Null(read.InputTokens);
        Assert.Null(read.MetadataJson);
        Assert.Equal("S1", (await store.GetAsync("01C002"))!.SessionId);
        Assert.Equal(12, (await store.GetAsync("01C002"))!.InputTokens);
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        await using var store = await OpenAsync();
        var ids = new UlidGenerator();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            await store.RecordBatchAsync([Sample(ids.Next(), T0.AddSeconds(i)), Sample(ids.Next(), T0.AddSeconds(i)), Sample(ids.Next(), T0.AddSeconds(i))]))));

        Assert.Equal(120, await store.CountAsync());
    }

    [Fact]
    public async Task Queries_filter_by_key_model_status_time_and_feedback_newest_first()
    {
        await using var store = await OpenAsync();
        await store.RecordAsync(Sample("01A", T0, keyId: "k1"));
        await store.RecordAsync(Sample("01B", T0.AddMinutes(1), keyId: "k2") with { ModelId = "big-2" });
        await store.RecordAsync(Sample("01C", T0.AddMinutes(2), keyId: "k1") with { Status = InteractionStatus.Error, Error = "boom" });
        await store.AddFeedbackAsync(new Feedback { Id = "F1", InteractionId = "01A", CreatedAt = T0, Thumbs = 1, Score = 5 });
        await store.AddFeedbackAsync(new Feedback { Id = "F2", InteractionId = "01B", CreatedAt = T0, Thumbs = -1, Score = 2 });

        async Task<List<string>> Ids(InteractionQuery q) => await store.QueryAsync(q).Select(i => i.Id).ToListAsync();
        Assert.Equal(["01C", "01A"], await Ids(new InteractionQuery { KeyId = "k1" }));
        Assert.Equal(["01B"], await Ids(new InteractionQuery { ModelId = "big-2" }));
        Assert.Equal(["01C"], await Ids(new InteractionQuery { Status = InteractionStatus.Error }));
        Assert.Equal(["01C", "01B"], await Ids(new InteractionQuery { Since = T0.AddMinutes(1) }));
        Assert.Equal(["01A"], await Ids(new InteractionQuery { Until = T0.AddMinutes(1) }));
        Assert.Equal(["01A"], await Ids(new InteractionQuery { FeedbackThumbs = 1 }));
        Assert.Equal(["01B"], await Ids(new InteractionQuery { FeedbackThumbs = -1 }));
        Assert.Equal(["01A"], await Ids(new InteractionQuery { MinFeedbackScore = 4 }));
        Assert.Equal(["01B", "01A"], await Ids(new InteractionQuery { HasFeedback = true }));
        Assert.Equal(["01C"], await Ids(new InteractionQuery { HasFeedback = false }));
        Assert.Equal(["01C"], await Ids(new InteractionQuery { Limit = 1 }));
        Assert.Equal(2, await store.CountAsync(new InteractionQuery { KeyId = "k1" }));
    }

    [Fact]
    public async Task Feedback_is_stored_and_queried_by_interaction_score_thumbs_and_correction()
    {
        await using var store = await OpenAsync();
        await store.RecordAsync(Sample("01A", T0));
        await store.RecordAsync(Sample("01B", T0));
        await store.AddFeedbackAsync(new Feedback
        {
            Id = "F1", InteractionId = "01A", CreatedAt = T0, Thumbs = -1, Score = 2, Comment = "wrong plan",
            Correction = "Refunds take 5 days.", Rater = "agent-7", KeyId = "k1",
        });
        await store.AddFeedbackAsync(new Feedback { Id = "F2", InteractionId = "01A", CreatedAt = T0.AddMinutes(1), Score = 4 });
        await store.AddFeedbackAsync(new Feedback { Id = "F3", InteractionId = "01B", CreatedAt = T0.AddMinutes(2), Thumbs = 1 });

        var first = Assert.Single(await store.QueryFeedbackAsync(new FeedbackQuery { HasCorrection = true }).ToListAsync());
        Assert.Equal(("01A", -1, 2, "wrong plan", "Refunds take 5 days.", "agent-7", "k1"),
            (first.InteractionId, first.Thumbs, first.Score, first.Comment, first.Correction, first.Rater, first.KeyId));
        Assert.Equal(T0, first.CreatedAt);
        Assert.Equal(["F2", "F1"], await store.QueryFeedbackAsync(new FeedbackQuery { InteractionId = "01A" }).Select(f => f.Id).ToListAsync());
        Assert.Equal(["F2"], await store.QueryFeedbackAsync(new FeedbackQuery { MinScore = 3 }).Select(f => f.Id).ToListAsync());
        Assert.Equal(["F1"], await store.QueryFeedbackAsync(new FeedbackQuery { MaxScore = 3 }).Select(f => f.Id).ToListAsync());
        Assert.Equal(["F3"], await store.QueryFeedbackAsync(new FeedbackQuery { Thumbs = 1 }).Select(f => f.Id).ToListAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AddFeedbackAsync(new Feedback { Id = "F9", InteractionId = "nope", CreatedAt = T0, Thumbs = 1 }));
    }

    [Fact]
    public async Task Keys_are_stored_listed_revoked_once_and_charged_for_the_tokens_their_interactions_used()
    {
        await using var store = await OpenAsync();
        await store.AddKeyAsync(Key("k1", T0));
        await store.AddKeyAsync(Key("k2", T0.AddMinutes(1)) with { Name = "bob", RequestsPerMinute = null, TokenQuota = null, ExpiresAt = null });

        await store.RecordBatchAsync([Sample("01A", T0, keyId: "k1"), Sample("01B", T0.AddSeconds(5), keyId: "k1")]);

        var k1 = await store.GetKeyAsync("k1");
        Assert.NotNull(k1);
        Assert.Equal(("alice", 60, 10_000, 1_000_000L), (k1.Name, k1.RequestsPerMinute, k1.TokensPerMinute, k1.TokenQuota));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 250, 251, 252, 253 }, k1.SecretHash);
        Assert.Equal(38, k1.TokensUsed);
        Assert.Equal(T0.AddSeconds(5).AddMilliseconds(420), k1.LastUsedAt);
        Assert.Equal(T0.AddDays(30), k1.ExpiresAt);
        Assert.True(k1.IsActive(T0));
        Assert.Equal(["k2", "k1"], (await store.ListKeysAsync()).Select(k => k.Id));

        Assert.True(await store.RevokeKeyAsync("k1", T0.AddHours(1)));
        Assert.False(await store.RevokeKeyAsync("k1", T0.AddHours(2)));
        Assert.False(await store.RevokeKeyAsync("nope", T0));
        var revoked = await store.GetKeyAsync("k1");
        Assert.Equal(T0.AddHours(1), revoked!.RevokedAt);
        Assert.False(revoked.IsActive(T0.AddHours(1)));
        Assert.Null(await store.GetKeyAsync("nope"));
    }

    [Fact]
    public async Task Pruning_deletes_older_interactions_with_their_feedback_and_keeps_the_rest()
    {
        await using var store = await OpenAsync();
        await store.RecordBatchAsync([Sample("01A", T0), Sample("01B", T0.AddDays(1)), Sample("01C", T0.AddDays(2))]);
        await store.AddFeedbackAsync(new Feedback { Id = "F1", InteractionId = "01A", CreatedAt = T0, Thumbs = 1 });
        await store.AddFeedbackAsync(new Feedback { Id = "F2", InteractionId = "01C", CreatedAt = T0, Thumbs = 1 });

        Assert.Equal(2, await store.PruneAsync(T0.AddDays(2)));

        Assert.Equal(["01C"], await store.QueryAsync(new InteractionQuery()).Select(i => i.Id).ToListAsync());
        Assert.Equal(["F2"], await store.QueryFeedbackAsync(new FeedbackQuery()).Select(f => f.Id).ToListAsync());
        Assert.Equal(0, await store.PruneAsync(T0.AddDays(2)));
    }

    [Fact]
    public async Task A_ping_succeeds_against_a_working_store()
    {
        await using var store = await OpenAsync();
        await store.PingAsync();
    }
}
