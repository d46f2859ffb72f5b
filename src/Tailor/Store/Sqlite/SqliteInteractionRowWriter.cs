using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tailor.Store.Relational;

namespace Tailor.Store.Sqlite;

/// <summary>
/// The interaction insert on the SQLite writer connection, bound through SQLite's own statement API. The gateway writes
/// one row per request, and Microsoft.Data.Sqlite makes a binder object for each of its 23 parameters on every
/// execution and needs the messages as UTF-16 strings; here they are serialized as UTF-8 into one reused buffer and
/// bound as they are, and the other values are bound without boxing. The row is the one <see cref="InteractionRows.Insert"/> writes.
/// </summary>
/// <remarks>Not thread-safe: used by the store's one writer, under its write lock, inside the transaction it opened.</remarks>
internal sealed class SqliteInteractionRowWriter : IInteractionRowWriter
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    // A buffer that grew for one large conversation is let go afterwards rather than kept for the writer's lifetime.
    private const int KeptBufferBytes = 256 * 1024;

    private ArrayBufferWriter<byte> _json = new(4096);
    private readonly Utf8JsonWriter _jsonWriter;
    private readonly int[] _at;

    // The insert's parameters, in the order _at holds their positions.
    private static readonly string[] Parameters =
    [
        "@id", "@started", "@completed", "@source", "@route", "@provider", "@model", "@prompt_id", "@prompt_version",
        "@key_id", "@session", "@request", "@options", "@response", "@finish", "@in", "@out", "@streamed", "@latency",
        "@ttft", "@status", "@error", "@metadata",
    ];

    public SqliteInteractionRowWriter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, InteractionRows.Insert, out _statement), _db);
        _at = [.. Parameters.Select(name => raw.sqlite3_bind_parameter_index(_statement, name))];
        if (Array.IndexOf(_at, 0) is var missing and >= 0)
        {
            _statement.Dispose();
            throw new InvalidOperationException($"The interaction insert has no parameter {Parameters[missing]}.");
        }
        _jsonWriter = new Utf8JsonWriter(_json, InteractionJson.CompactWriterOptions);
    }

    public void Insert(Interaction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        int p = 0;
        Text(_at[p++], interaction.Id);
        Int(_at[p++], interaction.StartedAt.ToUnixTimeMilliseconds());
        Int(_at[p++], interaction.CompletedAt?.ToUnixTimeMilliseconds());
        Text(_at[p++], interaction.Source);
        Text(_at[p++], interaction.Route);
        Text(_at[p++], interaction.Provider);
        Text(_at[p++], interaction.ModelId);
        Text(_at[p++], interaction.PromptId);
        Text(_at[p++], interaction.PromptVersion);
        Text(_at[p++], interaction.KeyId);
        Text(_at[p++], interaction.SessionId);
        Messages(_at[p++], interaction.Request);
        Text(_at[p++], interaction.RequestOptionsJson);
        Messages(_at[p++], interaction.Response);
        Text(_at[p++], interaction.FinishReason);
        Int(_at[p++], interaction.InputTokens);
        Int(_at[p++], interaction.OutputTokens);
        Int(_at[p++], interaction.Streamed ? 1 : 0);
        Real(_at[p++], interaction.LatencyMs);
        Real(_at[p++], interaction.TimeToFirstTokenMs);
        Text(_at[p++], StatusNames.ToName(interaction.Status));
        Text(_at[p++], interaction.Error);
        Text(_at[p++], interaction.MetadataJson);

        int rc = raw.sqlite3_step(_statement);
        // Reset before reporting: the statement is ready for the next row either way, and the error is the step's.
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose()
    {
        _statement.Dispose();
        _jsonWriter.Dispose();
    }

    private void Text(int at, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, at) : raw.sqlite3_bind_text16(_statement, at, value.AsSpan()));

    private void Int(int at, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, at, v) : raw.sqlite3_bind_null(_statement, at));

    private void Real(int at, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(_statement, at, v) : raw.sqlite3_bind_null(_statement, at));

    // SQLite copies the bytes when they are bound (SQLITE_TRANSIENT), so the buffer serves the next column at once.
    private void Messages(int at, IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> messages)
    {
        if (_json.Capacity > KeptBufferBytes)
        {
            _json = new ArrayBufferWriter<byte>(4096);
        }
        _json.ResetWrittenCount();
        _jsonWriter.Reset(_json);
        InteractionJson.WriteMessages(_jsonWriter, messages);
        _jsonWriter.Flush();
        Check(raw.sqlite3_bind_text(_statement, at, _json.WrittenSpan));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
