using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Tailor.Store;
using Tailor.Store.Relational;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Store;

public sealed class SqliteInteractionStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-store-").FullName;
    private string DbPath => Path.Combine(_dir, ".tailor", "tailor.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Interaction Sample(string id, DateTimeOffset at, string source = "ask", string? route = "baseline") => new()
    {
        Id = id,
        StartedAt = at,
        CompletedAt = at.AddMilliseconds(420),
        Source = source,
        Route = route,
        Provider = "openai-compatible",
        ModelId = "tiny-1",
        PromptId = "support",
        PromptVersion = "abc123def456",
        PromptText = "You are the support assistant.",
        SessionId = "S1",
        Request = [new ChatMessage(ChatRole.User, "How do refunds work?")],
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
        MetadataJson = """{"moderation":"clean"}""",
    };

    [Fact]
    public async Task A_recorded_interaction_reads_back_field_for_field_after_reopening()
    {
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using (var store = SqliteInteractionStore.Open(DbPath))
        {
            await store.RecordAsync(Sample("01JDKZ0000000000000000000A", at));
        }

        await using var reopened = SqliteInteractionStore.Open(DbPath);
        var read = await reopened.GetAsync("01JDKZ0000000000000000000A");

        Assert.NotNull(read);
        Assert.Equal(at, read.StartedAt);
        Assert.Equal(at.AddMilliseconds(420), read.CompletedAt);
        Assert.Equal("ask", read.Source);
        Assert.Equal("baseline", read.Route);
        Assert.Equal("tiny-1", read.ModelId);
        Assert.Equal("abc123def456", read.PromptVersion);
        Assert.Equal("You are the support assistant.", read.PromptText);
        Assert.Equal("How do refunds work?", Assert.Single(read.Request).Text);
        var answer = Assert.Single(read.Response);
        Assert.Equal(ChatRole.Assistant, answer.Role);
        Assert.Equal("Let me check.", answer.Text);
        var call = Assert.Single(answer.Contents.OfType<FunctionCallContent>());
        Assert.Equal("lookup_policy", call.Name);
        Assert.Equal("refunds", call.Arguments!["topic"]!.ToString());
        Assert.Equal("tool_calls", read.FinishReason);
        Assert.Equal(12, read.InputTokens);
        Assert.Equal(7, read.OutputTokens);
        Assert.True(read.Streamed);
        Assert.Equal(420.5, read.LatencyMs);
        Assert.Equal(80.25, read.TimeToFirstTokenMs);
        Assert.Equal("""{"temperature":0.2}""", read.RequestOptionsJson);
        Assert.Equal("""{"moderation":"clean"}""", read.MetadataJson);
    }

    [Fact]
    public async Task The_database_is_in_WAL_mode_with_full_sync_and_schema_at_the_latest_migration()
    {
        await using var store = SqliteInteractionStore.Open(DbPath);
        await store.RecordAsync(Sample("01JDKZ0000000000000000000A", DateTimeOffset.UnixEpoch));

        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        using var versions = connection.CreateCommand();
        versions.CommandText = "SELECT group_concat(version) FROM schema_migrations ORDER BY version";
        Assert.Equal(string.Join(",", SqliteMigrations.All.Select(m => m.Version)), (string?)await versions.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_database_from_a_newer_Tailor_is_refused_with_a_clear_message()
    {
        await using (SqliteInteractionStore.Open(DbPath)) { }
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var bump = connection.CreateCommand();
            bump.CommandText = "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (999, 'future', 0)";
            await bump.ExecuteNonQueryAsync();
        }

        var error = Assert.Throws<InvalidOperationException>(() => SqliteInteractionStore.Open(DbPath));
        Assert.Contains("version 999", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade Tailor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queries_filter_and_return_newest_first()
    {
        await using var store = SqliteInteractionStore.Open(DbPath);
        var t0 = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await store.RecordAsync(Sample("01A", t0, source: "chat", route: "baseline"));
        await store.RecordAsync(Sample("01B", t0.AddMinutes(1), source: "ask", route: "baseline"));
        await store.RecordAsync(Sample("01C", t0.AddMinutes(2), source: "ask", route: "candidate") with { Status = InteractionStatus.Error, Error = "boom" });

        var asks = await store.QueryAsync(new InteractionQuery { Source = "ask" }).Select(i => i.Id).ToListAsync();
        var sinceOneMinute = await store.QueryAsync(new InteractionQuery { Since = t0.AddMinutes(1) }).Select(i => i.Id).ToListAsync();
        var errors = await store.QueryAsync(new InteractionQuery { Status = InteractionStatus.Error }).Select(i => i.Error).ToListAsync();

        Assert.Equal(["01C", "01B"], asks);
        Assert.Equal(["01C", "01B"], sinceOneMinute);
        Assert.Equal(["boom"], errors);
        Assert.Equal(2, await store.CountAsync(new InteractionQuery { Route = "baseline" }));
        Assert.Equal(3, await store.CountAsync());
        Assert.Equal(["01C"], await store.QueryAsync(new InteractionQuery { Limit = 1 }).Select(i => i.Id).ToListAsync());
    }

    [Theory]
    [InlineData("window", "COVERING INDEX ix_interactions_started_filters (started_at_ms>? AND started_at_ms<?)")]
    [InlineData("key window", "INDEX ix_interactions_key_started (key_id=? AND started_at_ms>? AND started_at_ms<?)")]
    [InlineData("newest", "INDEX ix_interactions_started_filters")]
    [InlineData("route tail", "INDEX ix_interactions_started_filters")]
    [InlineData("key tail", "INDEX ix_interactions_key_started (key_id=?)")]
    [InlineData("errors", "INDEX ix_interactions_unsettled (status=?)")]
    [InlineData("id", "INDEX sqlite_autoindex_interactions_1 (id=?)")]
    [InlineData("prune", "INDEX ix_interactions_started_filters (started_at_ms<?)")]
    [InlineData("prune feedback", "INDEX ix_interactions_started_filters (started_at_ms<?)")]
    public async Task The_log_queries_are_answered_from_indexes(string shape, string index)
    {
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        string newest = $"{InteractionRows.Select} {{0}} {InteractionRows.NewestFirst} LIMIT 20";
        var (sql, query) = shape switch
        {
            // A monitoring count over a window, with the filters: read from the index alone.
            "window" => ("SELECT COUNT(*) FROM interactions i {0}", new InteractionQuery
            {
                Since = at, Until = at.AddHours(1), Source = "gateway", Route = "support", ModelId = "m", Status = InteractionStatus.Ok,
            }),
            "key window" => ("SELECT COUNT(*) FROM interactions i {0}", new InteractionQuery { Since = at, Until = at.AddHours(1), KeyId = "k" }),
            // The tails, busy or quiet: the newest read first from an index in time order, never all of them sorted.
            "newest" => (newest, new InteractionQuery()),
            "route tail" => (newest, new InteractionQuery { Route = "support" }),
            "key tail" => (newest, new InteractionQuery { KeyId = "k" }),
            // The errors of a gateway whose answers are almost all fine: found without walking the log.
            "errors" => (newest, new InteractionQuery { Status = InteractionStatus.Error }),
            "id" => (InteractionRows.Select + " WHERE i.id = '01A'{0}", new InteractionQuery()),
            "prune" => (InteractionRows.Prune + "{0}", new InteractionQuery()),
            _ => (InteractionRows.PruneFeedback + "{0}", new InteractionQuery()),
        };
        var (where, parameters) = InteractionRows.Filter(query);
        await using (SqliteInteractionStore.Open(DbPath)) { }
        await using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, where);
        foreach (var (name, value) in parameters.Append(("@cutoff", 0L)).Where(p => explain.CommandText.Contains(p.Item1, StringComparison.Ordinal)))
        {
            explain.Parameters.AddWithValue(name, value);
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains(index, StringComparison.Ordinal));
        // Ties within a millisecond may be sorted by id ("RIGHT PART"); the whole result never is.
        Assert.DoesNotContain("USE TEMP B-TREE FOR ORDER BY", plan);
    }

    [Fact]
    public async Task A_log_made_before_the_indexes_were_merged_is_upgraded_in_place_with_its_records()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var old = connection.CreateCommand();
            old.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL) STRICT;"
                + string.Concat(SqliteMigrations.All.Where(m => m.Version <= 4).Select(m => $"{m.Sql};INSERT INTO schema_migrations VALUES ({m.Version}, '{m.Name}', 0);"))
                + """
                INSERT INTO interactions (id, started_at_ms, source, route, request_json, response_json, streamed, status)
                VALUES ('01OLD', 1000, 'gateway', 'support', '[]', '[]', 0, 'error');
                """;
            await old.ExecuteNonQueryAsync();
        }

        await using (var store = SqliteInteractionStore.Open(DbPath))
        {
            Assert.Equal(["01OLD"], await store.QueryAsync(new InteractionQuery { Status = InteractionStatus.Error, Route = "support" }).Select(i => i.Id).ToListAsync());
            Assert.Equal(1, await store.PruneAsync(DateTimeOffset.FromUnixTimeMilliseconds(2000)));
        }

        await using var check = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await check.OpenAsync();
        using var indexes = check.CreateCommand();
        indexes.CommandText = "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'interactions' ORDER BY name)";
        Assert.Equal("ix_interactions_key_started,ix_interactions_session,ix_interactions_started_filters,ix_interactions_unsettled,sqlite_autoindex_interactions_1", (string?)await indexes.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        await using var store = SqliteInteractionStore.Open(DbPath);
        var ids = new UlidGenerator();
        var writes = Enumerable.Range(0, 200).Select(i =>
            Task.Run(async () => await store.RecordAsync(Sample(ids.Next(), DateTimeOffset.UnixEpoch.AddSeconds(i)))));
        await Task.WhenAll(writes);

        Assert.Equal(200, await store.CountAsync());
    }

    [Fact]
    public async Task A_prompt_version_is_stored_once_however_often_it_is_used()
    {
        await using (var store = SqliteInteractionStore.Open(DbPath))
        {
            for (int i = 0; i < 5; i++)
            {
                await store.RecordAsync(Sample($"01{i}", DateTimeOffset.UnixEpoch.AddSeconds(i)));
            }
        }
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM prompt_versions";
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Messages_are_stored_as_the_same_text_the_string_form_gives()
    {
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        var sample = Sample("01JDKZ0000000000000000000B", at) with
        {
            Request = [new ChatMessage(ChatRole.System, "Réponds en français, s'il te plaît <b>&</b> \"quote\""), new ChatMessage(ChatRole.User, "Où est ma facture ? 日本語 🙂")],
        };
        await using (var store = SqliteInteractionStore.Open(DbPath))
        {
            await store.RecordAsync(sample);
        }

        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_json, response_json FROM interactions WHERE id = '01JDKZ0000000000000000000B'";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(InteractionJson.SerializeMessages(sample.Request, compact: true), reader.GetString(0));
        Assert.Equal(InteractionJson.SerializeMessages(sample.Response, compact: true), reader.GetString(1));
    }

    [Fact]
    public async Task A_row_that_fails_does_not_stop_the_next_batch_and_a_large_one_round_trips()
    {
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using var store = SqliteInteractionStore.Open(DbPath);
        await store.RecordAsync(Sample("01JDKZ0000000000000000000C", at));

        // The same id again: the insert fails as SQLite's constraint error, and nothing of its batch is kept.
        var duplicate = await Assert.ThrowsAsync<SqliteException>(() =>
            store.RecordBatchAsync([Sample("01JDKZ0000000000000000000D", at), Sample("01JDKZ0000000000000000000C", at)]).AsTask());
        Assert.Equal(19, duplicate.SqliteErrorCode);
        Assert.Null(await store.GetAsync("01JDKZ0000000000000000000D"));

        // A conversation larger than the writer keeps its buffer for, then a small one: both read back whole.
        string large = new('x', 400_000);
        await store.RecordAsync(Sample("01JDKZ0000000000000000000E", at) with { Request = [new ChatMessage(ChatRole.User, large)] });
        await store.RecordAsync(Sample("01JDKZ0000000000000000000F", at));
        Assert.Equal(large, (await store.GetAsync("01JDKZ0000000000000000000E"))!.Request[0].Text);
        Assert.Equal("How do refunds work?", (await store.GetAsync("01JDKZ0000000000000000000F"))!.Request[0].Text);
    }
}
