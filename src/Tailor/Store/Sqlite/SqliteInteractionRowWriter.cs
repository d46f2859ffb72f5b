using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using SQLitePCL;
using Tailor.Store.Relational;

namespace Tailor.Store.Sqlite;

/// <summary>
/// The interaction insert on the SQLite writer connection, bound through SQLite's own statement API. The gateway writes
/// one row per request, and Microsoft.Data.Sqlite makes a binder object for each of its 23 parameters on every
/// execution and needs the messages as UTF-16 strings; here they are serialized as UTF-8 into one reused buffer and
/// bound as they are, and the other values are bound without boxing. What a row holds is
/// <see cref="InteractionRows.BindInsert{TBinder}"/>'s one list, as for the command path.
/// </summary>
/// <remarks>Not thread-safe: used by the store's one writer, under its write lock, inside the transaction it opened.</remarks>
internal sealed class SqliteInteractionRowWriter : IInteractionRowWriter
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _parameterCount;

    // A buffer that grew for one large conversation is let go afterwards rather than kept for the writer's lifetime.
    private const int KeptBufferBytes = 256 * 1024;

    private ArrayBufferWriter<byte> _json = new(4096);
    private readonly Utf8JsonWriter _jsonWriter;

    // Each parameter's position in the statement, in the order InteractionRows.BindInsert names them: looked up by
    // name on the first row, by the same name instance after that.
    private readonly List<(string Name, int At)> _positions = [];

    public SqliteInteractionRowWriter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, InteractionRows.Insert, out _statement), _db);
        _parameterCount = raw.sqlite3_bind_parameter_count(_statement);
        _jsonWriter = new Utf8JsonWriter(_json, InteractionJson.CompactWriterOptions);
    }

    public void Insert(Interaction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var binder = new Binder(this);
        InteractionRows.BindInsert(ref binder, interaction);
        if (binder.Bound != _parameterCount)
        {
            raw.sqlite3_clear_bindings(_statement);
            throw new InvalidOperationException($"The interaction insert has {_parameterCount} parameters; {binder.Bound} were bound.");
        }

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

    private int Position(int order, string name)
    {
        if (order < _positions.Count && ReferenceEquals(_positions[order].Name, name))
        {
            return _positions[order].At;
        }

        int at = raw.sqlite3_bind_parameter_index(_statement, name);
        if (at == 0)
        {
            throw new InvalidOperationException($"The interaction insert has no parameter {name}.");
        }
        if (order < _positions.Count)
        {
            _positions[order] = (name, at);
        }
        else
        {
            _positions.Add((name, at));
        }
        return at;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    // SQLite copies what is bound (SQLITE_TRANSIENT), so the JSON buffer serves the next column at once.
    private struct Binder(SqliteInteractionRowWriter writer) : IInteractionRowBinder
    {
        public int Bound { get; private set; }

        public void Text(string name, string? value) =>
            writer.Check(value is null ? raw.sqlite3_bind_null(writer._statement, At(name)) : raw.sqlite3_bind_text16(writer._statement, At(name), value.AsSpan()));

        public void Integer(string name, long? value) =>
            writer.Check(value is { } v ? raw.sqlite3_bind_int64(writer._statement, At(name), v) : raw.sqlite3_bind_null(writer._statement, At(name)));

        public void Real(string name, double? value) =>
            writer.Check(value is { } v ? raw.sqlite3_bind_double(writer._statement, At(name), v) : raw.sqlite3_bind_null(writer._statement, At(name)));

        public void Flag(string name, bool value) => Integer(name, value ? 1 : 0);

        public void Messages(string name, IReadOnlyList<ChatMessage> messages)
        {
            if (writer._json.Capacity > KeptBufferBytes)
            {
                writer._json = new ArrayBufferWriter<byte>(4096);
            }
            writer._json.ResetWrittenCount();
            writer._jsonWriter.Reset(writer._json);
            InteractionJson.WriteMessages(writer._jsonWriter, messages);
            writer._jsonWriter.Flush();
            writer.Check(raw.sqlite3_bind_text(writer._statement, At(name), writer._json.WrittenSpan));
        }

        private int At(string name) => writer.Position(Bound++, name);
    }
}
