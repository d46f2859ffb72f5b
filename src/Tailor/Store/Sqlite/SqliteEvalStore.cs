using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tailor.Evals.Results;

namespace Tailor.Store.Sqlite;

/// <summary>
/// The embedded eval store: runs, case results, metric scores and human ratings in the project's SQLite
/// file (the same file as the interaction log, schema migration 2), WAL mode, full sync.
/// </summary>
/// <remarks>
/// Thread-safe. Writes go through one connection, one transaction at a time (the runner batches results
/// so a run costs one sync per batch, not per case); reads open pooled connections and never wait for writers.
/// </remarks>
public sealed class SqliteEvalStore : IEvalStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _disposed;

    private SqliteEvalStore(string path, TimeProvider time)
    {
        (Path, _connectionString, _writer) = SqliteDatabase.Open(path, time);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/> and brings its schema up to date.</summary>
    public static SqliteEvalStore Open(string path, TimeProvider? timeProvider = null) => new(path, timeProvider ?? TimeProvider.System);

    public Task CreateRunAsync(EvalRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(tx =>
        {
            using var c = Command(tx, """
                INSERT INTO eval_runs (id, suite_id, suite_file, suite_hash, model_alias, model_id, prompt_version, judge_alias,
                    started_at_ms, completed_at_ms, status, repeat_count, planned_results, label, options_json)
                VALUES ($id, $suite, $file, $hash, $alias, $model, $prompt, $judge, $started, $completed, $status, $repeat, $planned, $label, $options)
                """);
            var p = c.Parameters;
            p.AddWithValue("$id", run.Id);
            p.AddWithValue("$suite", run.SuiteId);
            p.AddWithValue("$file", run.SuiteFile);
            p.AddWithValue("$hash", run.SuiteHash);
            p.AddWithValue("$alias", run.ModelAlias);
            p.AddWithValue("$model", Db(run.ModelId));
            p.AddWithValue("$prompt", Db(run.PromptVersion));
            p.AddWithValue("$judge", Db(run.JudgeAlias));
            p.AddWithValue("$started", run.StartedAt.ToUnixTimeMilliseconds());
            p.AddWithValue("$completed", (object?)run.CompletedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            p.AddWithValue("$status", StatusName(run.Status));
            p.AddWithValue("$repeat", run.Repeat);
            p.AddWithValue("$planned", run.PlannedResults);
            p.AddWithValue("$label", Db(run.Label));
            p.AddWithValue("$options", Db(run.OptionsJson));
            c.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task UpdateRunStatusAsync(string runId, EvalRunStatus status, DateTimeOffset? completedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return WriteAsync(tx =>
        {
            using var c = Command(tx, "UPDATE eval_runs SET status = $status, completed_at_ms = $completed WHERE id = $id");
            c.Parameters.AddWithValue("$id", runId);
            c.Parameters.AddWithValue("$status", StatusName(status));
            c.Parameters.AddWithValue("$completed", (object?)completedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            if (c.ExecuteNonQuery() == 0)
            {
                throw new InvalidOperationException($"no eval run '{runId}' in {Path}");
            }
        }, cancellationToken);
    }

    public Task AddResultsAsync(IReadOnlyList<CaseResult> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Serialise outside the lock: it needs no database.
        var rows = results.Select(r => (Result: r, Tags: JsonSerializer.Serialize(r.Tags), Input: InteractionJson.SerializeMessages(r.Input))).ToList();
        return WriteAsync(tx =>
        {
            using var delete = Command(tx, "DELETE FROM eval_results WHERE run_id = $run AND case_id = $case AND repeat_index = $repeat");
            using var insert = Command(tx, """
                INSERT INTO eval_results (run_id, case_id, repeat_index, tags_json, input_json, expected, output, status, error, latency_ms,
                    input_tokens, output_tokens, cached, interaction_id, score, passed, completed_at_ms, location)
                VALUES ($run, $case, $repeat, $tags, $input, $expected, $output, $status, $error, $latency, $in, $out, $cached, $interaction,
                    $score, $passed, $completed, $location)
                """);
            using var score = Command(tx, """
                INSERT INTO eval_scores (run_id, case_id, repeat_index, ordinal, metric, value, score, passed, weight, reason, diagnostics_json)
                VALUES ($run, $case, $repeat, $ordinal, $metric, $value, $score, $passed, $weight, $reason, $diagnostics)
                """);
            foreach (var (r, tags, input) in rows)
            {
                delete.Parameters.Clear();
                delete.Parameters.AddWithValue("$run", r.RunId);
                delete.Parameters.AddWithValue("$case", r.CaseId);
                delete.Parameters.AddWithValue("$repeat", r.Repeat);
                delete.ExecuteNonQuery();

                var p = insert.Parameters;
                p.Clear();
                p.AddWithValue("$run", r.RunId);
                p.AddWithValue("$case", r.CaseId);
                p.AddWithValue("$repeat", r.Repeat);
                p.AddWithValue("$tags", tags);
                p.AddWithValue("$input", input);
                p.AddWithValue("$expected", Db(r.Expected));
                p.AddWithValue("$output", r.Output);
                p.AddWithValue("$status", r.Status == CaseStatus.Ok ? "ok" : "error");
                p.AddWithValue("$error", Db(r.Error));
                p.AddWithValue("$latency", (object?)r.LatencyMs ?? DBNull.Value);
                p.AddWithValue("$in", (object?)r.InputTokens ?? DBNull.Value);
                p.AddWithValue("$out", (object?)r.OutputTokens ?? DBNull.Value);
                p.AddWithValue("$cached", r.Cached ? 1 : 0);
                p.AddWithValue("$interaction", Db(r.InteractionId));
                p.AddWithValue("$score", r.Score);
                p.AddWithValue("$passed", r.Passed ? 1 : 0);
                p.AddWithValue("$completed", r.CompletedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("$location", Db(r.Location));
                insert.ExecuteNonQuery();

                for (int i = 0; i < r.Metrics.Count; i++)
                {
                    MetricScore m = r.Metrics[i];
                    var s = score.Parameters;
                    s.Clear();
                    s.AddWithValue("$run", r.RunId);
                    s.AddWithValue("$case", r.CaseId);
                    s.AddWithValue("$repeat", r.Repeat);
                    s.AddWithValue("$ordinal", i);
                    s.AddWithValue("$metric", m.Metric);
                    s.AddWithValue("$value", m.Value is { } v && double.IsFinite(v) ? v : DBNull.Value);
                    s.AddWithValue("$score", m.Score);
                    s.AddWithValue("$passed", m.Passed ? 1 : 0);
                    s.AddWithValue("$weight", m.Weight);
                    s.AddWithValue("$reason", Db(m.Reason));
                    s.AddWithValue("$diagnostics", m.Diagnostics.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(m.Diagnostics));
                    score.ExecuteNonQuery();
                }
            }
        }, cancellationToken);
    }

    public async Task<EvalRun?> GetRunAsync(string idOrPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"{RunColumns} WHERE id = $id OR id LIKE $prefix ESCAPE '\\' ORDER BY id DESC LIMIT 2";
        command.Parameters.AddWithValue("$id", idOrPrefix.ToUpperInvariant());
        command.Parameters.AddWithValue("$prefix", idOrPrefix.ToUpperInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
        var found = new List<EvalRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(ReadRun(reader));
        }

        return found.FirstOrDefault(r => r.Id == idOrPrefix.ToUpperInvariant()) ?? (found.Count == 1 ? found[0] : null);
    }

    public async IAsyncEnumerable<EvalRun> ListRunsAsync(EvalRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.SuiteId is { } suite)
        {
            where.Add("suite_id = $suite");
            command.Parameters.AddWithValue("$suite", suite);
        }

        if (query.ModelAlias is { } alias)
        {
            where.Add("model_alias = $alias");
            command.Parameters.AddWithValue("$alias", alias);
        }

        if (query.Status is { } status)
        {
            where.Add("status = $status");
            command.Parameters.AddWithValue("$status", StatusName(status));
        }

        command.CommandText = $"{RunColumns} {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadRun(reader);
        }
    }

    public async IAsyncEnumerable<CaseResult> ReadResultsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var results = connection.CreateCommand();
        results.CommandText = """
            SELECT case_id, repeat_index, tags_json, input_json, expected, output, status, error, latency_ms, input_tokens, output_tokens,
                   cached, interaction_id, score, passed, completed_at_ms, location
            FROM eval_results WHERE run_id = $run ORDER BY case_id, repeat_index
            """;
        results.Parameters.AddWithValue("$run", runId);
        using var scores = connection.CreateCommand();
        scores.CommandText = """
            SELECT case_id, repeat_index, metric, value, score, passed, weight, reason, diagnostics_json
            FROM eval_scores WHERE run_id = $run ORDER BY case_id, repeat_index, ordinal
            """;
        scores.Parameters.AddWithValue("$run", runId);

        // Two ordered streams read in step: one result and its scores in memory at a time.
        await using var r = await results.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var s = await scores.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        bool scoreAvailable = await s.ReadAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string caseId = r.GetString(0);
            int repeat = r.GetInt32(1);
            var metrics = new List<MetricScore>();
            while (scoreAvailable && Compare(s.GetString(0), s.GetInt32(1), caseId, repeat) < 0)
            {
                scoreAvailable = await s.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            while (scoreAvailable && Compare(s.GetString(0), s.GetInt32(1), caseId, repeat) == 0)
            {
                metrics.Add(new MetricScore(
                    s.GetString(2), s.IsDBNull(3) ? null : s.GetDouble(3), s.GetDouble(4), s.GetInt64(5) != 0, s.GetDouble(6),
                    s.IsDBNull(7) ? null : s.GetString(7),
                    s.IsDBNull(8) ? [] : JsonSerializer.Deserialize<string[]>(s.GetString(8)) ?? []));
                scoreAvailable = await s.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            yield return new CaseResult
            {
                RunId = runId,
                CaseId = caseId,
                Repeat = repeat,
                Tags = JsonSerializer.Deserialize<string[]>(r.GetString(2)) ?? [],
                Input = InteractionJson.DeserializeMessages(r.GetString(3)),
                Expected = r.IsDBNull(4) ? null : r.GetString(4),
                Output = r.GetString(5),
                Status = r.GetString(6) == "ok" ? CaseStatus.Ok : CaseStatus.Error,
                Error = r.IsDBNull(7) ? null : r.GetString(7),
                LatencyMs = r.IsDBNull(8) ? null : r.GetDouble(8),
                InputTokens = r.IsDBNull(9) ? null : r.GetInt64(9),
                OutputTokens = r.IsDBNull(10) ? null : r.GetInt64(10),
                Cached = r.GetInt64(11) != 0,
                InteractionId = r.IsDBNull(12) ? null : r.GetString(12),
                Score = r.GetDouble(13),
                Passed = r.GetInt64(14) != 0,
                CompletedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(15)),
                Location = r.IsDBNull(16) ? null : r.GetString(16),
                Metrics = metrics,
            };
        }
    }

    public async Task<IReadOnlySet<(string CaseId, int Repeat)>> ReadDoneAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT case_id, repeat_index FROM eval_results WHERE run_id = $run AND status = 'ok'";
        command.Parameters.AddWithValue("$run", runId);
        var done = new HashSet<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            done.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return done;
    }

    public Task AddRatingsAsync(IReadOnlyList<HumanRating> ratings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        return WriteAsync(tx =>
        {
            using var c = Command(tx, """
                INSERT OR REPLACE INTO eval_ratings (run_id, case_id, repeat_index, rater, metric, score, label, comment, rated_at_ms)
                VALUES ($run, $case, $repeat, $rater, $metric, $score, $label, $comment, $at)
                """);
            foreach (HumanRating rating in ratings)
            {
                var p = c.Parameters;
                p.Clear();
                p.AddWithValue("$run", rating.RunId);
                p.AddWithValue("$case", rating.CaseId);
                p.AddWithValue("$repeat", rating.Repeat);
                p.AddWithValue("$rater", rating.Rater);
                p.AddWithValue("$metric", rating.Metric);
                p.AddWithValue("$score", (object?)rating.Score ?? DBNull.Value);
                p.AddWithValue("$label", Db(rating.Label));
                p.AddWithValue("$comment", Db(rating.Comment));
                p.AddWithValue("$at", rating.RatedAt.ToUnixTimeMilliseconds());
                c.ExecuteNonQuery();
            }
        }, cancellationToken);
    }

    public async IAsyncEnumerable<HumanRating> ReadRatingsAsync(string? runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT run_id, case_id, repeat_index, rater, metric, score, label, comment, rated_at_ms FROM eval_ratings
            {(runId is null ? "" : "WHERE run_id = $run")} ORDER BY run_id, case_id, repeat_index, rater, metric
            """;
        if (runId is not null)
        {
            command.Parameters.AddWithValue("$run", runId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new HumanRating
            {
                RunId = reader.GetString(0),
                CaseId = reader.GetString(1),
                Repeat = reader.GetInt32(2),
                Rater = reader.GetString(3),
                Metric = reader.GetString(4),
                Score = reader.IsDBNull(5) ? null : reader.GetDouble(5),
                Label = reader.IsDBNull(6) ? null : reader.GetString(6),
                Comment = reader.IsDBNull(7) ? null : reader.GetString(7),
                RatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
            };
        }
    }

    private const string RunColumns = """
        SELECT id, suite_id, suite_file, suite_hash, model_alias, model_id, prompt_version, judge_alias, started_at_ms, completed_at_ms,
               status, repeat_count, planned_results, label, options_json FROM eval_runs
        """;

    private static EvalRun ReadRun(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        SuiteId = r.GetString(1),
        SuiteFile = r.GetString(2),
        SuiteHash = r.GetString(3),
        ModelAlias = r.GetString(4),
        ModelId = r.IsDBNull(5) ? null : r.GetString(5),
        PromptVersion = r.IsDBNull(6) ? null : r.GetString(6),
        JudgeAlias = r.IsDBNull(7) ? null : r.GetString(7),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        CompletedAt = r.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        Status = ParseStatus(r.GetString(10)),
        Repeat = r.GetInt32(11),
        PlannedResults = r.GetInt64(12),
        Label = r.IsDBNull(13) ? null : r.GetString(13),
        OptionsJson = r.IsDBNull(14) ? null : r.GetString(14),
    };

    private static int Compare(string caseA, int repeatA, string caseB, int repeatB)
    {
        // SQLite's default collation is BINARY (byte order of UTF-8), which is ordinal order for UTF-16 outside surrogates.
        int c = string.CompareOrdinal(caseA, caseB);
        return c != 0 ? c : repeatA.CompareTo(repeatB);
    }

    private async Task WriteAsync(Action<SqliteTransaction> write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = _writer.BeginTransaction();
            write(tx);
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var command = _writer.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static object Db(string? value) => (object?)value ?? DBNull.Value;

    private static string StatusName(EvalRunStatus status) => status switch
    {
        EvalRunStatus.Running => "running",
        EvalRunStatus.Completed => "completed",
        EvalRunStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static EvalRunStatus ParseStatus(string status) => status switch
    {
        "running" => EvalRunStatus.Running,
        "completed" => EvalRunStatus.Completed,
        "interrupted" => EvalRunStatus.Interrupted,
        _ => throw new InvalidDataException($"unknown eval run status '{status}' in the store"),
    };

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            await _writer.DisposeAsync().ConfigureAwait(false);
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
            _writeLock.Dispose();
        }
    }
}
