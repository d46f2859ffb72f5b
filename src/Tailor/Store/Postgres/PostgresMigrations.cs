using Npgsql;

namespace Tailor.Store.Postgres;

/// <summary>
/// The PostgreSQL schema as an ordered list of migrations, each run once in its own transaction and recorded in
/// <c>schema_migrations</c>. Several gateway instances may start at once: an advisory lock lets one migrate while
/// the others wait. A database made by a newer Tailor is refused. The layout matches the SQLite store's column for
/// column (times in Unix milliseconds, JSON as text) so both share their SQL.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>"tailor" in ASCII: the advisory lock id Tailor's migrations take.</summary>
    private const long LockId = 0x7461_696C_6F72;

    /// <summary>Append only: never edit a migration that has shipped.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "gateway", """
            CREATE TABLE interactions (
                id                TEXT PRIMARY KEY,
                started_at_ms     BIGINT NOT NULL,
                completed_at_ms   BIGINT,
                source            TEXT NOT NULL,
                route             TEXT,
                provider          TEXT,
                model_id          TEXT,
                prompt_id         TEXT,
                prompt_version    TEXT,
                key_id            TEXT,
                session_id        TEXT,
                request_json      TEXT NOT NULL,
                options_json      TEXT,
                response_json     TEXT NOT NULL,
                finish_reason     TEXT,
                input_tokens      BIGINT,
                output_tokens     BIGINT,
                streamed          BOOLEAN NOT NULL,
                latency_ms        DOUBLE PRECISION,
                ttft_ms           DOUBLE PRECISION,
                status            TEXT NOT NULL,
                error             TEXT,
                metadata_json     TEXT
            );
            CREATE INDEX ix_interactions_started ON interactions (started_at_ms);
            CREATE INDEX ix_interactions_route_started ON interactions (route, started_at_ms);
            CREATE INDEX ix_interactions_session ON interactions (session_id) WHERE session_id IS NOT NULL;
            CREATE INDEX ix_interactions_model_started ON interactions (model_id, started_at_ms);
            CREATE INDEX ix_interactions_key_started ON interactions (key_id, started_at_ms) WHERE key_id IS NOT NULL;
            CREATE INDEX ix_interactions_status_started ON interactions (status, started_at_ms);
            CREATE TABLE prompt_versions (
                version           TEXT PRIMARY KEY,
                prompt_id         TEXT NOT NULL,
                text              TEXT NOT NULL,
                first_seen_ms     BIGINT NOT NULL
            );
            CREATE TABLE feedback (
                id                TEXT PRIMARY KEY,
                interaction_id    TEXT NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
                created_at_ms     BIGINT NOT NULL,
                thumbs            INTEGER CHECK (thumbs IN (-1, 1)),
                score             INTEGER CHECK (score BETWEEN 1 AND 5),
                comment           TEXT,
                correction        TEXT,
                rater             TEXT,
                key_id            TEXT
            );
            CREATE INDEX ix_feedback_interaction ON feedback (interaction_id);
            CREATE INDEX ix_feedback_score ON feedback (score) WHERE score IS NOT NULL;
            CREATE INDEX ix_feedback_thumbs ON feedback (thumbs) WHERE thumbs IS NOT NULL;
            CREATE TABLE api_keys (
                id                  TEXT PRIMARY KEY,
                name                TEXT NOT NULL,
                secret_hash         BYTEA NOT NULL,
                created_at_ms       BIGINT NOT NULL,
                expires_at_ms       BIGINT,
                revoked_at_ms       BIGINT,
                requests_per_minute INTEGER,
                tokens_per_minute   INTEGER,
                token_quota         BIGINT,
                tokens_used         BIGINT NOT NULL DEFAULT 0,
                last_used_at_ms     BIGINT
            );
            """),
        (2, "tuning", """
            CREATE TABLE tuning_jobs (
                id                TEXT PRIMARY KEY,
                backend           TEXT NOT NULL,
                external_id       TEXT,
                status            TEXT NOT NULL,
                vendor_status     TEXT,
                base_model        TEXT NOT NULL,
                work_dir          TEXT NOT NULL,
                created_at_ms     BIGINT NOT NULL,
                updated_at_ms     BIGINT NOT NULL,
                started_at_ms     BIGINT,
                finished_at_ms    BIGINT,
                step              INTEGER,
                total_steps       INTEGER,
                trained_tokens    BIGINT,
                error             TEXT,
                model_id          TEXT,
                request_json      TEXT NOT NULL,
                output_json       TEXT,
                estimate_json     TEXT,
                state_json        TEXT NOT NULL
            );
            CREATE INDEX ix_tuning_jobs_status ON tuning_jobs (status, created_at_ms);
            CREATE TABLE tuning_events (
                job_id            TEXT NOT NULL REFERENCES tuning_jobs (id) ON DELETE CASCADE,
                seq               BIGINT NOT NULL,
                event_key         TEXT NOT NULL,
                at_ms             BIGINT NOT NULL,
                level             TEXT NOT NULL,
                kind              TEXT NOT NULL,
                message           TEXT NOT NULL,
                data_json         TEXT,
                PRIMARY KEY (job_id, seq),
                UNIQUE (job_id, event_key)
            );
            CREATE TABLE tuning_metrics (
                job_id            TEXT NOT NULL REFERENCES tuning_jobs (id) ON DELETE CASCADE,
                step              INTEGER NOT NULL,
                at_ms             BIGINT,
                train_loss        DOUBLE PRECISION,
                valid_loss        DOUBLE PRECISION,
                valid_accuracy    DOUBLE PRECISION,
                learning_rate     DOUBLE PRECISION,
                PRIMARY KEY (job_id, step)
            );
            CREATE TABLE tuning_checkpoints (
                job_id            TEXT NOT NULL REFERENCES tuning_jobs (id) ON DELETE CASCADE,
                step              INTEGER NOT NULL,
                at_ms             BIGINT NOT NULL,
                reference         TEXT,
                train_loss        DOUBLE PRECISION,
                valid_loss        DOUBLE PRECISION,
                valid_accuracy    DOUBLE PRECISION,
                PRIMARY KEY (job_id, step)
            );
            CREATE TABLE models (
                id                TEXT PRIMARY KEY,
                created_at_ms     BIGINT NOT NULL,
                source            TEXT NOT NULL,
                kind              TEXT NOT NULL,
                provider          TEXT NOT NULL,
                reference         TEXT NOT NULL,
                base_reference    TEXT,
                base_url          TEXT,
                api_key_env       TEXT,
                job_id            TEXT,
                sha256            TEXT,
                bytes             BIGINT,
                description       TEXT,
                lineage_json      TEXT NOT NULL
            );
            CREATE UNIQUE INDEX ix_models_job ON models (job_id) WHERE job_id IS NOT NULL;
            CREATE TABLE alias_changes (
                id                TEXT PRIMARY KEY,
                spec_path         TEXT NOT NULL,
                alias             TEXT NOT NULL,
                model_id          TEXT,
                at_ms             BIGINT NOT NULL,
                before_json       TEXT NOT NULL,
                after_json        TEXT NOT NULL,
                before_text       TEXT NOT NULL,
                after_text        TEXT NOT NULL,
                rolled_back_at_ms BIGINT
            );
            CREATE INDEX ix_alias_changes_alias ON alias_changes (spec_path, alias, at_ms);
            """),
        (3, "key rate windows", """
            CREATE TABLE key_rate_windows (
                key_id            TEXT NOT NULL,
                minute_ms         BIGINT NOT NULL,
                requests          BIGINT NOT NULL,
                tokens            BIGINT NOT NULL,
                PRIMARY KEY (key_id, minute_ms)
            );
            """),
    ];

    public static int LatestVersion => All[^1].Version;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, TimeProvider time, string location, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({LockId})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)
            """, cancellationToken).ConfigureAwait(false);

        int current;
        await using (var query = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection, tx))
        {
            current = Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"{location}: the store's schema is version {current}, newer than this Tailor understands ({LatestVersion}). Upgrade Tailor to open it.");
        }

        foreach (var (version, name, sql) in All.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, tx, sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (@v, @n, @t)", connection, tx);
            record.Parameters.AddWithValue("v", version);
            record.Parameters.AddWithValue("n", name);
            record.Parameters.AddWithValue("t", time.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
