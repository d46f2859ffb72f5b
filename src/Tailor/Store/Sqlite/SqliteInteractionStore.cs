using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Tailor.Store.Sqlite;

/// <summary>
/// The embedded interaction store: one SQLite file in WAL mode with full sync, so a recorded
/// interaction survives a crash the moment <see cref="RecordAsync"/> completes.
/// </summary>
/// <remarks>
/// Thread-safe. Writes go through one connection, one at a time; reads open their own pooled
/// connections and never wait for a writer (WAL).
/// </remarks>
public sealed class SqliteInteractionStore : IInteractionStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _disposed;

    private SqliteInteractionStore(string path, TimeProvider time)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;");
        SqliteMigrations.Apply(_writer, time, path);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed, with its directory) the store at <paramref name="path"/> and brings its schema up to date.</summary>
    public static SqliteInteractionStore Open(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return new SqliteInteractionStore(full, timeProvider ?? TimeProvider.System);
    }

    public async ValueTask RecordAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Serialise outside the lock: it is the expensive part and needs no database.
        string request = InteractionJson.SerializeMessages(interaction.Request);
        string response = InteractionJson.SerializeMessages(interaction.Response);

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = _writer.BeginTransaction();
            if (interaction.PromptVersion is { } version && interaction.PromptText is { } text)
            {
                using var prompt = _writer.CreateCommand();
                prompt.Transaction = tx;
                prompt.CommandText = """
                    INSERT OR IGNORE INTO prompt_versions (version, prompt_id, text, first_seen_ms)
                    VALUES ($version, $id, $text, $seen)
                    """;
                prompt.Parameters.AddWithValue("$version", version);
                prompt.Parameters.AddWithValue("$id", interaction.PromptId ?? "");
                prompt.Parameters.AddWithValue("$text", text);
                prompt.Parameters.AddWithValue("$seen", interaction.StartedAt.ToUnixTimeMilliseconds());
                prompt.ExecuteNonQuery();
            }

            using var insert = _writer.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO interactions (id, started_at_ms, completed_at_ms, source, route, provider, model_id,
                    prompt_id, prompt_version, key_id, session_id, request_json, options_json, response_json,
                    finish_reason, input_tokens, output_tokens, streamed, latency_ms, ttft_ms, status, error, metadata_json)
                VALUES ($id, $started, $completed, $source, $route, $provider, $model, $prompt_id, $prompt_version,
                    $key_id, $session, $request, $options, $response, $finish, $in, $out, $streamed, $latency, $ttft,
                    $status, $error, $metadata)
                """;
            var p = insert.Parameters;
            p.AddWithValue("$id", interaction.Id);
            p.AddWithValue("$started", interaction.StartedAt.ToUnixTimeMilliseconds());
            p.AddWithValue("$completed", (object?)interaction.CompletedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            p.AddWithValue("$source", interaction.Source);
            p.AddWithValue("$route", Db(interaction.Route));
            p.AddWithValue("$provider", Db(interaction.Provider));
            p.AddWithValue("$model", Db(interaction.ModelId));
            p.AddWithValue("$prompt_id", Db(interaction.PromptId));
            p.AddWithValue("$prompt_version", Db(interaction.PromptVersion));
            p.AddWithValue("$key_id", Db(interaction.KeyId));
            p.AddWithValue("$session", Db(interaction.SessionId));
            p.AddWithValue("$request", request);
            p.AddWithValue("$options", Db(interaction.RequestOptionsJson));
            p.AddWithValue("$response", response);
            p.AddWithValue("$finish", Db(interaction.FinishReason));
            p.AddWithValue("$in", (object?)interaction.InputTokens ?? DBNull.Value);
            p.AddWithValue("$out", (object?)interaction.OutputTokens ?? DBNull.Value);
            p.AddWithValue("$streamed", interaction.Streamed ? 1 : 0);
            p.AddWithValue("$latency", (object?)interaction.LatencyMs ?? DBNull.Value);
            p.AddWithValue("$ttft", (object?)interaction.TimeToFirstTokenMs ?? DBNull.Value);
            p.AddWithValue("$status", StatusName(interaction.Status));
            p.AddWithValue("$error", Db(interaction.Error));
            p.AddWithValue("$metadata", Db(interaction.MetadataJson));
            insert.ExecuteNonQuery();
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<Interaction?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await foreach (var interaction in ReadAsync("WHERE i.id = $id", [("$id", id)], 1, cancellationToken).ConfigureAwait(false))
        {
            return interaction;
        }
        return null;
    }

    public IAsyncEnumerable<Interaction> QueryAsync(InteractionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = BuildFilter(query);
        return ReadAsync(where, parameters, query.Limit, cancellationToken);
    }

    public async Task<long> CountAsync(InteractionQuery? query = null, CancellationToken cancellationToken = default)
    {
        var (where, parameters) = BuildFilter(query ?? new InteractionQuery());
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM interactions i {where}";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static (string Where, List<(string, object)> Parameters) BuildFilter(InteractionQuery query)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object)>();
        void Add(string clause, string name, object? value)
        {
            if (value is not null)
            {
                clauses.Add(clause);
                parameters.Add((name, value));
            }
        }
        Add("i.started_at_ms >= $since", "$since", query.Since?.ToUnixTimeMilliseconds());
        Add("i.started_at_ms < $until", "$until", query.Until?.ToUnixTimeMilliseconds());
        Add("i.source = $source", "$source", query.Source);
        Add("i.route = $route", "$route", query.Route);
        Add("i.session_id = $session", "$session", query.SessionId);
        Add("i.status = $status", "$status", query.Status is { } s ? StatusName(s) : null);
        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), parameters);
    }

    private async IAsyncEnumerable<Interaction> ReadAsync(
        string where, IReadOnlyList<(string Name, object Value)> parameters, int limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT i.id, i.started_at_ms, i.completed_at_ms, i.source, i.route, i.provider, i.model_id, i.prompt_id,
                   i.prompt_version, i.key_id, i.session_id, i.request_json, i.options_json, i.response_json,
                   i.finish_reason, i.input_tokens, i.output_tokens, i.streamed, i.latency_ms, i.ttft_ms, i.status,
                   i.error, i.metadata_json, p.text
            FROM interactions i LEFT JOIN prompt_versions p ON p.version = i.prompt_version
            {where}
            ORDER BY i.id DESC
            LIMIT $limit
            """;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new Interaction
            {
                Id = reader.GetString(0),
                StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                CompletedAt = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                Source = reader.GetString(3),
                Route = NullableString(reader, 4),
                Provider = NullableString(reader, 5),
                ModelId = NullableString(reader, 6),
                PromptId = NullableString(reader, 7),
                PromptVersion = NullableString(reader, 8),
                KeyId = NullableString(reader, 9),
                SessionId = NullableString(reader, 10),
                Request = InteractionJson.DeserializeMessages(reader.GetString(11)),
                RequestOptionsJson = NullableString(reader, 12),
                Response = InteractionJson.DeserializeMessages(reader.GetString(13)),
                FinishReason = NullableString(reader, 14),
                InputTokens = reader.IsDBNull(15) ? null : reader.GetInt64(15),
                OutputTokens = reader.IsDBNull(16) ? null : reader.GetInt64(16),
                Streamed = reader.GetInt64(17) != 0,
                LatencyMs = reader.IsDBNull(18) ? null : reader.GetDouble(18),
                TimeToFirstTokenMs = reader.IsDBNull(19) ? null : reader.GetDouble(19),
                Status = ParseStatus(reader.GetString(20)),
                Error = NullableString(reader, 21),
                MetadataJson = NullableString(reader, 22),
                PromptText = NullableString(reader, 23),
            };
        }
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static object Db(string? value) => (object?)value ?? DBNull.Value;

    private static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string StatusName(InteractionStatus status) => status switch
    {
        InteractionStatus.Ok => "ok",
        InteractionStatus.Error => "error",
        InteractionStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static InteractionStatus ParseStatus(string status) => status switch
    {
        "ok" => InteractionStatus.Ok,
        "error" => InteractionStatus.Error,
        "cancelled" => InteractionStatus.Cancelled,
        _ => throw new InvalidDataException($"unknown interaction status '{status}' in the store"),
    };

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

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
