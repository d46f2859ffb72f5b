using System.Data.Common;
using Microsoft.Extensions.AI;

namespace Tailor.Store.Relational;

/// <summary>
/// The <c>interactions</c> table as SQL both stores share: one column layout (times in Unix milliseconds, JSON as text),
/// one insert, one select list, one reader. SQLite and PostgreSQL differ only in types and in how they connect.
/// </summary>
internal static class InteractionRows
{
    public const string Insert = """
        INSERT INTO interactions (id, started_at_ms, completed_at_ms, source, route, provider, model_id,
            prompt_id, prompt_version, key_id, session_id, request_json, options_json, response_json,
            finish_reason, input_tokens, output_tokens, streamed, latency_ms, ttft_ms, status, error, metadata_json)
        VALUES (@id, @started, @completed, @source, @route, @provider, @model, @prompt_id, @prompt_version,
            @key_id, @session, @request, @options, @response, @finish, @in, @out, @streamed, @latency, @ttft,
            @status, @error, @metadata)
        """;

    public const string InsertPrompt = """
        INSERT INTO prompt_versions (version, prompt_id, text, first_seen_ms)
        VALUES (@version, @prompt_id, @text, @seen)
        ON CONFLICT (version) DO NOTHING
        """;

    /// <summary>Adds interactions' tokens to their key's usage, in the same transaction as the interactions.</summary>
    public const string AddKeyUsage = """
        UPDATE api_keys SET tokens_used = tokens_used + @tokens,
            last_used_at_ms = CASE WHEN last_used_at_ms IS NULL OR last_used_at_ms < @at THEN @at ELSE last_used_at_ms END
        WHERE id = @key_id
        """;

    /// <summary>
    /// The order of queries: by start time, as the indexes on time keep it (a scan for the newest stops after the
    /// limit), then by id among those that started in the same millisecond.
    /// </summary>
    public const string NewestFirst = "ORDER BY i.started_at_ms DESC, i.id DESC";

    /// <summary>Retention: the feedback of interactions started before <c>@cutoff</c>, then the interactions.</summary>
    public const string PruneFeedback = "DELETE FROM feedback WHERE interaction_id IN (SELECT id FROM interactions WHERE started_at_ms < @cutoff)";

    /// <inheritdoc cref="PruneFeedback"/>
    public const string Prune = "DELETE FROM interactions WHERE started_at_ms < @cutoff";

    public const string Select = """
        SELECT i.id, i.started_at_ms, i.completed_at_ms, i.source, i.route, i.provider, i.model_id, i.prompt_id,
               i.prompt_version, i.key_id, i.session_id, i.request_json, i.options_json, i.response_json,
               i.finish_reason, i.input_tokens, i.output_tokens, i.streamed, i.latency_ms, i.ttft_ms, i.status,
               i.error, i.metadata_json, p.text
        FROM interactions i LEFT JOIN prompt_versions p ON p.version = i.prompt_version
        """;

    /// <summary>Binds <see cref="Insert"/>'s parameters; a command bound before keeps its parameter objects.</summary>
    public static void BindInsert(StatementParameters parameters, Interaction interaction)
    {
        var binder = new CommandRowBinder(parameters);
        BindInsert(ref binder, interaction);
    }

    /// <summary>Binds <see cref="Insert"/>'s parameters, in the order they appear, through <paramref name="binder"/>.</summary>
    public static void BindInsert<TBinder>(ref TBinder binder, Interaction interaction)
        where TBinder : struct, IInteractionRowBinder
    {
        binder.Text("@id", interaction.Id);
        binder.Integer("@started", interaction.StartedAt.ToUnixTimeMilliseconds());
        binder.Integer("@completed", interaction.CompletedAt?.ToUnixTimeMilliseconds());
        binder.Text("@source", interaction.Source);
        binder.Text("@route", interaction.Route);
        binder.Text("@provider", interaction.Provider);
        binder.Text("@model", interaction.ModelId);
        binder.Text("@prompt_id", interaction.PromptId);
        binder.Text("@prompt_version", interaction.PromptVersion);
        binder.Text("@key_id", interaction.KeyId);
        binder.Text("@session", interaction.SessionId);
        binder.Messages("@request", interaction.Request);
        binder.Text("@options", interaction.RequestOptionsJson);
        binder.Messages("@response", interaction.Response);
        binder.Text("@finish", interaction.FinishReason);
        binder.Integer("@in", interaction.InputTokens);
        binder.Integer("@out", interaction.OutputTokens);
        binder.Flag("@streamed", interaction.Streamed);
        binder.Real("@latency", interaction.LatencyMs);
        binder.Real("@ttft", interaction.TimeToFirstTokenMs);
        binder.Text("@status", StatusNames.ToName(interaction.Status));
        binder.Text("@error", interaction.Error);
        binder.Text("@metadata", interaction.MetadataJson);
    }

    // The command path: every value as a parameter object, the messages as their compact JSON text.
    private struct CommandRowBinder(StatementParameters parameters) : IInteractionRowBinder
    {
        private ParameterBinder _parameters = new(parameters);

        public void Text(string name, string? value) => _parameters.Bind(name, value);

        public void Integer(string name, long? value) => _parameters.Bind(name, value);

        public void Real(string name, double? value) => _parameters.Bind(name, value);

        public void Flag(string name, bool value) => _parameters.Bind(name, value);

        public void Messages(string name, IReadOnlyList<ChatMessage> messages) =>
            _parameters.Bind(name, InteractionJson.SerializeMessages(messages, compact: true));
    }

    /// <summary>Binds <see cref="InsertPrompt"/>'s parameters; a command bound before keeps its parameter objects.</summary>
    public static void BindPrompt(StatementParameters parameters, Interaction interaction)
    {
        var p = new ParameterBinder(parameters);
        p.Bind("@version", interaction.PromptVersion);
        p.Bind("@prompt_id", interaction.PromptId ?? "");
        p.Bind("@text", interaction.PromptText);
        p.Bind("@seen", interaction.StartedAt.ToUnixTimeMilliseconds());
    }

    /// <summary>Binds <see cref="AddKeyUsage"/>'s parameters; a command bound before keeps its parameter objects.</summary>
    public static void BindKeyUsage(StatementParameters parameters, string keyId, long tokens, long atMs)
    {
        var p = new ParameterBinder(parameters);
        p.Bind("@tokens", tokens);
        p.Bind("@at", atMs);
        p.Bind("@key_id", keyId);
    }

    /// <summary>Binds a key-rate charge (<c>@key_id</c>, <c>@minute</c>, <c>@tokens</c>): the tokens go to the calendar minute of <paramref name="atMs"/>.</summary>
    public static void BindKeyRate(StatementParameters parameters, string keyId, long tokens, long atMs)
    {
        var p = new ParameterBinder(parameters);
        p.Bind("@key_id", keyId);
        p.Bind("@minute", KeyRateWindow.MinuteOf(atMs));
        p.Bind("@tokens", tokens);
    }

    public static Interaction Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        CompletedAt = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        Source = reader.GetString(3),
        Route = Text(reader, 4),
        Provider = Text(reader, 5),
        ModelId = Text(reader, 6),
        PromptId = Text(reader, 7),
        PromptVersion = Text(reader, 8),
        KeyId = Text(reader, 9),
        SessionId = Text(reader, 10),
        Request = InteractionJson.DeserializeMessages(reader.GetString(11)),
        RequestOptionsJson = Text(reader, 12),
        Response = InteractionJson.DeserializeMessages(reader.GetString(13)),
        FinishReason = Text(reader, 14),
        InputTokens = reader.IsDBNull(15) ? null : reader.GetInt64(15),
        OutputTokens = reader.IsDBNull(16) ? null : reader.GetInt64(16),
        Streamed = reader.GetBoolean(17),
        LatencyMs = reader.IsDBNull(18) ? null : reader.GetDouble(18),
        TimeToFirstTokenMs = reader.IsDBNull(19) ? null : reader.GetDouble(19),
        Status = StatusNames.Parse(reader.GetString(20)),
        Error = Text(reader, 21),
        MetadataJson = Text(reader, 22),
        PromptText = Text(reader, 23),
    };

    /// <summary>The WHERE clause (empty when nothing is filtered) and its parameters for <paramref name="query"/>.</summary>
    public static (string Where, List<(string Name, object Value)> Parameters) Filter(InteractionQuery query)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object)>();
        void Where(string clause, string name, object? value)
        {
            if (value is not null)
            {
                clauses.Add(clause);
                parameters.Add((name, value));
            }
        }

        Where("i.started_at_ms >= @since", "@since", query.Since?.ToUnixTimeMilliseconds());
        Where("i.started_at_ms < @until", "@until", query.Until?.ToUnixTimeMilliseconds());
        Where("i.source = @source", "@source", query.Source);
        Where("i.route = @route", "@route", query.Route);
        Where("i.session_id = @session", "@session", query.SessionId);
        Where("i.status = @status", "@status", query.Status is { } s ? StatusNames.ToName(s) : null);
        if (query.Status is { } wanted && wanted != InteractionStatus.Ok)
        {
            // Spelled as the SQLite store's partial index on the rare statuses says, so the planner may use it.
            clauses.Add($"i.status <> '{StatusNames.ToName(InteractionStatus.Ok)}'");
        }
        Where("i.key_id = @key_id", "@key_id", query.KeyId);
        Where("i.model_id = @model_id", "@model_id", query.ModelId);
        Where("EXISTS (SELECT 1 FROM feedback f WHERE f.interaction_id = i.id AND f.thumbs = @thumbs)", "@thumbs", query.FeedbackThumbs);
        Where("EXISTS (SELECT 1 FROM feedback f WHERE f.interaction_id = i.id AND f.score >= @min_score)", "@min_score", query.MinFeedbackScore);
        if (query.HasFeedback is { } has)
        {
            clauses.Add((has ? "" : "NOT ") + "EXISTS (SELECT 1 FROM feedback f WHERE f.interaction_id = i.id)");
        }

        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), parameters);
    }

    /// <summary>
    /// Binds parameters in a fixed order: the first time a command is bound it gets new parameters, later times the same
    /// parameters get new values, so a command kept across rows keeps its prepared statement and its parameter objects.
    /// </summary>
    private struct ParameterBinder(StatementParameters parameters)
    {
        private int _next;

        public void Bind(string name, object? value)
        {
            int index = _next++;
            if (index < parameters.List.Count)
            {
                parameters.List[index].Value = value ?? DBNull.Value;
            }
            else
            {
                Add(parameters, name, value);
            }
        }
    }

    public static void Add(StatementParameters parameters, string name, object? value)
    {
        var parameter = parameters.Create();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameters.List.Add(parameter);
    }

    public static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
