using System.Data.Common;
using Tailor.Data.Tokens;
using Tailor.Tuning;
using Tailor.Tuning.Aliases;
using Tailor.Tuning.Registry;

namespace Tailor.Store.Relational;

/// <summary>
/// The tuning tables as SQL both stores share: <c>tuning_jobs</c> with their <c>tuning_events</c>, <c>tuning_metrics</c>
/// and <c>tuning_checkpoints</c>, the <c>models</c> registry and <c>alias_changes</c>. Times in Unix milliseconds, records
/// that only Tailor reads (the recipe, the lineage) as JSON text.
/// </summary>
internal static class TuningRows
{
    public const string InsertJob = """
        INSERT INTO tuning_jobs (id, backend, external_id, status, vendor_status, base_model, work_dir, created_at_ms, updated_at_ms,
            started_at_ms, finished_at_ms, step, total_steps, trained_tokens, error, model_id, request_json, output_json, estimate_json, state_json)
        VALUES (@id, @backend, @external_id, @status, @vendor_status, @base_model, @work_dir, @created, @updated,
            @started, @finished, @step, @total_steps, @trained_tokens, @error, @model_id, @request, @output, @estimate, @state)
        """;

    public const string UpdateJob = """
        UPDATE tuning_jobs SET external_id = @external_id, status = @status, vendor_status = @vendor_status, updated_at_ms = @updated,
            started_at_ms = @started, finished_at_ms = @finished, step = @step, total_steps = @total_steps, trained_tokens = @trained_tokens,
            error = @error, model_id = @model_id, output_json = @output, estimate_json = @estimate, state_json = @state
        WHERE id = @id
        """;

    public const string SelectJob = """
        SELECT id, external_id, status, vendor_status, work_dir, created_at_ms, updated_at_ms, started_at_ms, finished_at_ms,
               step, total_steps, trained_tokens, error, model_id, request_json, output_json, estimate_json, state_json
        FROM tuning_jobs
        """;

    public const string NextEventSequence = "SELECT COALESCE(MAX(seq), 0) FROM tuning_events WHERE job_id = @job_id";

    public const string InsertEvent = """
        INSERT INTO tuning_events (job_id, seq, event_key, at_ms, level, kind, message, data_json)
        VALUES (@job_id, @seq, @key, @at, @level, @kind, @message, @data)
        ON CONFLICT (job_id, event_key) DO NOTHING
        """;

    public const string SelectEvents = """
        SELECT seq, event_key, at_ms, level, kind, message, data_json FROM tuning_events
        WHERE job_id = @job_id AND seq > @after ORDER BY seq
        """;

    public const string UpsertMetric = """
        INSERT INTO tuning_metrics (job_id, step, at_ms, train_loss, valid_loss, valid_accuracy, learning_rate)
        VALUES (@job_id, @step, @at, @train, @valid, @accuracy, @lr)
        ON CONFLICT (job_id, step) DO UPDATE SET
            at_ms = COALESCE(excluded.at_ms, tuning_metrics.at_ms),
            train_loss = COALESCE(excluded.train_loss, tuning_metrics.train_loss),
            valid_loss = COALESCE(excluded.valid_loss, tuning_metrics.valid_loss),
            valid_accuracy = COALESCE(excluded.valid_accuracy, tuning_metrics.valid_accuracy),
            learning_rate = COALESCE(excluded.learning_rate, tuning_metrics.learning_rate)
        """;

    public const string SelectMetrics = """
        SELECT step, at_ms, train_loss, valid_loss, valid_accuracy, learning_rate FROM tuning_metrics WHERE job_id = @job_id ORDER BY step
        """;

    public const string UpsertCheckpoint = """
        INSERT INTO tuning_checkpoints (job_id, step, at_ms, reference, train_loss, valid_loss, valid_accuracy)
        VALUES (@job_id, @step, @at, @reference, @train, @valid, @accuracy)
        ON CONFLICT (job_id, step) DO UPDATE SET
            reference = COALESCE(excluded.reference, tuning_checkpoints.reference),
            train_loss = COALESCE(excluded.train_loss, tuning_checkpoints.train_loss),
            valid_loss = COALESCE(excluded.valid_loss, tuning_checkpoints.valid_loss),
            valid_accuracy = COALESCE(excluded.valid_accuracy, tuning_checkpoints.valid_accuracy)
        """;

    public const string SelectCheckpoints = """
        SELECT step, at_ms, reference, train_loss, valid_loss, valid_accuracy FROM tuning_checkpoints WHERE job_id = @job_id ORDER BY step
        """;

    public const string InsertModel = """
        INSERT INTO models (id, created_at_ms, source, kind, provider, reference, base_reference, base_url, api_key_env, job_id, sha256,
            bytes, description, lineage_json)
        VALUES (@id, @created, @source, @kind, @provider, @reference, @base_reference, @base_url, @api_key_env, @job_id, @sha256,
            @bytes, @description, @lineage)
        """;

    public const string LinkJobToModel = "UPDATE tuning_jobs SET model_id = @model_id WHERE id = @job_id";

    public const string SelectModel = """
        SELECT id, created_at_ms, source, kind, provider, reference, base_reference, base_url, api_key_env, job_id, sha256, bytes,
               description, lineage_json
        FROM models
        """;

    public const string InsertAliasChange = """
        INSERT INTO alias_changes (id, spec_path, alias, model_id, at_ms, before_json, after_json, before_text, after_text, rolled_back_at_ms)
        VALUES (@id, @spec_path, @alias, @model_id, @at, @before, @after, @before_text, @after_text, @rolled_back)
        """;

    public const string SelectAliasChanges = "SELECT id, spec_path, alias, model_id, at_ms, before_json, after_json, before_text, after_text, rolled_back_at_ms FROM alias_changes";

    public const string MarkRolledBack = "UPDATE alias_changes SET rolled_back_at_ms = @at WHERE id = @id";

    public static void BindJob(DbCommand command, TuningJob job)
    {
        Add(command, "@id", job.Id);
        Add(command, "@backend", job.Backend);
        Add(command, "@external_id", job.ExternalId);
        Add(command, "@status", job.Status.ToName());
        Add(command, "@vendor_status", job.VendorStatus);
        Add(command, "@base_model", job.Request.BaseModel);
        Add(command, "@work_dir", job.WorkDirectory);
        Add(command, "@created", job.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "@updated", job.UpdatedAt.ToUnixTimeMilliseconds());
        Add(command, "@started", job.StartedAt?.ToUnixTimeMilliseconds());
        Add(command, "@finished", job.FinishedAt?.ToUnixTimeMilliseconds());
        Add(command, "@step", job.Step);
        Add(command, "@total_steps", job.TotalSteps);
        Add(command, "@trained_tokens", job.TrainedTokens);
        Add(command, "@error", job.Error);
        Add(command, "@model_id", job.RegisteredModelId);
        Add(command, "@request", TuningJson.Serialize(job.Request));
        Add(command, "@output", job.Output is null ? null : TuningJson.Serialize(job.Output));
        Add(command, "@estimate", job.Estimate is null ? null : TuningJson.Serialize(job.Estimate));
        Add(command, "@state", TuningJson.Serialize(job.State));
    }

    public static TuningJob ReadJob(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ExternalId = Text(reader, 1),
        Status = TuningJobStatusExtensions.ParseName(reader.GetString(2)),
        VendorStatus = Text(reader, 3),
        WorkDirectory = reader.GetString(4),
        CreatedAt = Time(reader, 5)!.Value,
        UpdatedAt = Time(reader, 6)!.Value,
        StartedAt = Time(reader, 7),
        FinishedAt = Time(reader, 8),
        Step = reader.IsDBNull(9) ? null : reader.GetInt32(9),
        TotalSteps = reader.IsDBNull(10) ? null : reader.GetInt32(10),
        TrainedTokens = reader.IsDBNull(11) ? null : reader.GetInt64(11),
        Error = Text(reader, 12),
        RegisteredModelId = Text(reader, 13),
        Request = TuningJson.Deserialize<TuningRequest>(reader.GetString(14), "a tuning job's request"),
        Output = Text(reader, 15) is { } output ? TuningJson.Deserialize<TuningOutput>(output, "a tuning job's output") : null,
        Estimate = Text(reader, 16) is { } estimate ? TuningJson.Deserialize<CostEstimate>(estimate, "a tuning job's estimate") : null,
        State = TuningJson.Deserialize<Dictionary<string, string>>(reader.GetString(17), "a tuning job's state"),
    };

    public static (string Where, List<(string Name, object Value)> Parameters) FilterJobs(TuningJobQuery query)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object)>();
        if (query.IdPrefix is { } prefix)
        {
            // Not LIKE: a prefix holding '%' or '_' must match only itself.
            clauses.Add("substr(id, 1, @prefix_length) = @prefix");
            parameters.Add(("@prefix_length", prefix.Length));
            parameters.Add(("@prefix", prefix));
        }

        if (query.Backend is { } backend)
        {
            clauses.Add("backend = @backend");
            parameters.Add(("@backend", backend));
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => (Name: $"@status{i}", Value: s.ToName())).ToList();
            clauses.Add($"status IN ({string.Join(", ", names.Select(n => n.Name))})");
            parameters.AddRange(names.Select(n => (n.Name, (object)n.Value)));
        }

        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), parameters);
    }

    public static void BindEvent(DbCommand command, string jobId, long sequence, TuningEvent e)
    {
        Add(command, "@job_id", jobId);
        Add(command, "@seq", sequence);
        Add(command, "@key", e.Key);
        Add(command, "@at", e.At.ToUnixTimeMilliseconds());
        Add(command, "@level", e.Level.ToString().ToLowerInvariant());
        Add(command, "@kind", e.Kind);
        Add(command, "@message", e.Message);
        Add(command, "@data", e.DataJson);
    }

    public static TuningEvent ReadEvent(DbDataReader reader) =>
        new(reader.GetString(1), Time(reader, 2)!.Value, Enum.Parse<TuningEventLevel>(reader.GetString(3), ignoreCase: true), reader.GetString(4),
            reader.GetString(5), Text(reader, 6))
        {
            Sequence = reader.GetInt64(0),
        };

    public static void BindMetric(DbCommand command, string jobId, TuningMetric metric)
    {
        Add(command, "@job_id", jobId);
        Add(command, "@step", metric.Step);
        Add(command, "@at", metric.At?.ToUnixTimeMilliseconds());
        Add(command, "@train", metric.TrainLoss);
        Add(command, "@valid", metric.ValidLoss);
        Add(command, "@accuracy", metric.ValidAccuracy);
        Add(command, "@lr", metric.LearningRate);
    }

    public static TuningMetric ReadMetric(DbDataReader reader) =>
        new(reader.GetInt32(0), Number(reader, 2), Number(reader, 3), Number(reader, 4), Number(reader, 5)) { At = Time(reader, 1) };

    public static void BindCheckpoint(DbCommand command, string jobId, TuningCheckpoint checkpoint)
    {
        Add(command, "@job_id", jobId);
        Add(command, "@step", checkpoint.Step);
        Add(command, "@at", checkpoint.At.ToUnixTimeMilliseconds());
        Add(command, "@reference", checkpoint.Reference);
        Add(command, "@train", checkpoint.TrainLoss);
        Add(command, "@valid", checkpoint.ValidLoss);
        Add(command, "@accuracy", checkpoint.ValidAccuracy);
    }

    public static TuningCheckpoint ReadCheckpoint(DbDataReader reader) =>
        new(reader.GetInt32(0), Time(reader, 1)!.Value, Text(reader, 2), Number(reader, 3), Number(reader, 4), Number(reader, 5));

    public static void BindModel(DbCommand command, RegisteredModel model)
    {
        Add(command, "@id", model.Id);
        Add(command, "@created", model.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "@source", model.Source.ToString().ToLowerInvariant());
        Add(command, "@kind", KindName(model.Kind));
        Add(command, "@provider", model.Provider);
        Add(command, "@reference", model.Reference);
        Add(command, "@base_reference", model.BaseReference);
        Add(command, "@base_url", model.BaseUrl?.AbsoluteUri);
        Add(command, "@api_key_env", model.ApiKeyEnv);
        Add(command, "@job_id", model.JobId);
        Add(command, "@sha256", model.Sha256);
        Add(command, "@bytes", model.Bytes);
        Add(command, "@description", model.Description);
        Add(command, "@lineage", TuningJson.Serialize(model.Lineage));
    }

    public static RegisteredModel ReadModel(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        CreatedAt = Time(reader, 1)!.Value,
        Source = Enum.Parse<ModelSource>(reader.GetString(2), ignoreCase: true),
        Kind = ParseKind(reader.GetString(3)),
        Provider = reader.GetString(4),
        Reference = reader.GetString(5),
        BaseReference = Text(reader, 6),
        BaseUrl = Text(reader, 7) is { } url ? new Uri(url) : null,
        ApiKeyEnv = Text(reader, 8),
        JobId = Text(reader, 9),
        Sha256 = Text(reader, 10),
        Bytes = reader.IsDBNull(11) ? null : reader.GetInt64(11),
        Description = Text(reader, 12),
        Lineage = TuningJson.Deserialize<ModelLineage>(reader.GetString(13), "a model's lineage"),
    };

    public static void BindAliasChange(DbCommand command, AliasChange change)
    {
        Add(command, "@id", change.Id);
        Add(command, "@spec_path", change.SpecPath);
        Add(command, "@alias", change.Alias);
        Add(command, "@model_id", change.ModelId);
        Add(command, "@at", change.At.ToUnixTimeMilliseconds());
        Add(command, "@before", TuningJson.Serialize(change.Before));
        Add(command, "@after", TuningJson.Serialize(change.After));
        Add(command, "@before_text", change.BeforeText);
        Add(command, "@after_text", change.AfterText);
        Add(command, "@rolled_back", change.RolledBackAt?.ToUnixTimeMilliseconds());
    }

    public static AliasChange ReadAliasChange(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        SpecPath = reader.GetString(1),
        Alias = reader.GetString(2),
        ModelId = Text(reader, 3),
        At = Time(reader, 4)!.Value,
        Before = TuningJson.Deserialize<Dictionary<string, string?>>(reader.GetString(5), "an alias change"),
        After = TuningJson.Deserialize<Dictionary<string, string?>>(reader.GetString(6), "an alias change"),
        BeforeText = reader.GetString(7),
        AfterText = reader.GetString(8),
        RolledBackAt = Time(reader, 9),
    };

    public static string KindName(TuningOutputKind kind) => kind switch
    {
        TuningOutputKind.Gguf => "gguf",
        TuningOutputKind.LoraAdapter => "lora-adapter",
        TuningOutputKind.Hosted => "hosted",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static TuningOutputKind ParseKind(string kind) => kind switch
    {
        "gguf" => TuningOutputKind.Gguf,
        "lora-adapter" => TuningOutputKind.LoraAdapter,
        "hosted" => TuningOutputKind.Hosted,
        _ => throw new InvalidDataException($"unknown model kind '{kind}' in the store"),
    };

    private static void Add(DbCommand command, string name, object? value) => InteractionRows.Add(command, name, value);

    private static string? Text(DbDataReader reader, int ordinal) => InteractionRows.Text(reader, ordinal);

    private static double? Number(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
