using Microsoft.Data.Sqlite;

namespace Tailor.Store.Sqlite;

/// <summary>
/// The schema of the embedded store as an ordered list of migrations. Each runs once, in order, in its
/// own transaction, and is recorded in <c>schema_migrations</c>; a database made by a newer Tailor is refused.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>Append only: never edit a migration that has shipped.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "interactions", """
            CREATE TABLE interactions (
                id                TEXT PRIMARY KEY,
                started_at_ms     INTEGER NOT NULL,
                completed_at_ms   INTEGER,
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
                input_tokens      INTEGER,
                output_tokens     INTEGER,
                streamed          INTEGER NOT NULL,
                latency_ms        REAL,
                ttft_ms           REAL,
                status            TEXT NOT NULL,
                error             TEXT,
                metadata_json     TEXT
            ) STRICT;
            CREATE INDEX ix_interactions_started ON interactions (started_at_ms);
            CREATE INDEX ix_interactions_route_started ON interactions (route, started_at_ms);
            CREATE INDEX ix_interactions_session ON interactions (session_id) WHERE session_id IS NOT NULL;
            CREATE TABLE prompt_versions (
                version           TEXT PRIMARY KEY,
                prompt_id         TEXT NOT NULL,
                text              TEXT NOT NULL,
                first_seen_ms     INTEGER NOT NULL
            ) STRICT;
            """),
        (2, "eval_runs", """
            CREATE TABLE eval_runs (
                id                TEXT PRIMARY KEY,
                suite_id          TEXT NOT NULL,
                suite_file        TEXT NOT NULL,
                suite_hash        TEXT NOT NULL,
                model_alias       TEXT NOT NULL,
                model_id          TEXT,
                prompt_version    TEXT,
                judge_alias       TEXT,
                started_at_ms     INTEGER NOT NULL,
                completed_at_ms   INTEGER,
                status            TEXT NOT NULL,
                repeat_count      INTEGER NOT NULL,
                planned_results   INTEGER NOT NULL,
                label             TEXT,
                options_json      TEXT
            ) STRICT;
            CREATE INDEX ix_eval_runs_suite_model ON eval_runs (suite_id, model_alias, started_at_ms);
            CREATE TABLE eval_results (
                run_id            TEXT NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
                case_id           TEXT NOT NULL,
                repeat_index      INTEGER NOT NULL,
                tags_json         TEXT NOT NULL,
                input_json        TEXT NOT NULL,
                expected          TEXT,
                output            TEXT NOT NULL,
                status            TEXT NOT NULL,
                error             TEXT,
                latency_ms        REAL,
                input_tokens      INTEGER,
                output_tokens     INTEGER,
                cached            INTEGER NOT NULL,
                interaction_id    TEXT,
                score             REAL NOT NULL,
                passed            INTEGER NOT NULL,
                completed_at_ms   INTEGER NOT NULL,
                location          TEXT,
                PRIMARY KEY (run_id, case_id, repeat_index)
            ) STRICT;
            CREATE TABLE eval_scores (
                run_id            TEXT NOT NULL,
                case_id           TEXT NOT NULL,
                repeat_index      INTEGER NOT NULL,
                ordinal           INTEGER NOT NULL,
                metric            TEXT NOT NULL,
                value             REAL,
                score             REAL NOT NULL,
                passed            INTEGER NOT NULL,
                weight            REAL NOT NULL,
                reason            TEXT,
                diagnostics_json  TEXT,
                PRIMARY KEY (run_id, case_id, repeat_index, ordinal),
                FOREIGN KEY (run_id, case_id, repeat_index) REFERENCES eval_results (run_id, case_id, repeat_index) ON DELETE CASCADE
            ) STRICT;
            CREATE TABLE eval_ratings (
                run_id            TEXT NOT NULL,
                case_id           TEXT NOT NULL,
                repeat_index      INTEGER NOT NULL,
                rater             TEXT NOT NULL,
                metric            TEXT NOT NULL,
                score             REAL,
                label             TEXT,
                comment           TEXT,
                rated_at_ms       INTEGER NOT NULL,
                PRIMARY KEY (run_id, case_id, repeat_index, rater, metric)
            ) STRICT;
            """),
        (3, "gateway", """
            CREATE INDEX ix_interactions_model_started ON interactions (model_id, started_at_ms);
            CREATE INDEX ix_interactions_key_started ON interactions (key_id, started_at_ms) WHERE key_id IS NOT NULL;
            CREATE INDEX ix_interactions_status_started ON interactions (status, started_at_ms);
            CREATE TABLE feedback (
                id                TEXT PRIMARY KEY,
                interaction_id    TEXT NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
                created_at_ms     INTEGER NOT NULL,
                thumbs            INTEGER CHECK (thumbs IN (-1, 1)),
                score             INTEGER CHECK (score BETWEEN 1 AND 5),
                comment           TEXT,
                correction        TEXT,
                rater             TEXT,
                key_id            TEXT
            ) STRICT;
            CREATE INDEX ix_feedback_interaction ON feedback (interaction_id);
            CREATE INDEX ix_feedback_score ON feedback (score) WHERE score IS NOT NULL;
            CREATE INDEX ix_feedback_thumbs ON feedback (thumbs) WHERE thumbs IS NOT NULL;
            CREATE TABLE api_keys (
                id                  TEXT PRIMARY KEY,
                name                TEXT NOT NULL,
                secret_hash         BLOB NOT NULL,
                created_at_ms       INTEGER NOT NULL,
                expires_at_ms       INTEGER,
                revoked_at_ms       INTEGER,
                requests_per_minute INTEGER,
                tokens_per_minute   INTEGER,
                token_quota         INTEGER,
                tokens_used         INTEGER NOT NULL DEFAULT 0,
                last_used_at_ms     INTEGER
            ) STRICT;
            """),
        (4, "tuning", """
            CREATE TABLE tuning_jobs (
                id                TEXT PRIMARY KEY,
                backend           TEXT NOT NULL,
                external_id       TEXT,
                status            TEXT NOT NULL,
                vendor_status     TEXT,
                base_model        TEXT NOT NULL,
                work_dir          TEXT NOT NULL,
                created_at_ms     INTEGER NOT NULL,
                updated_at_ms     INTEGER NOT NULL,
                started_at_ms     INTEGER,
                finished_at_ms    INTEGER,
                step              INTEGER,
                total_steps       INTEGER,
                trained_tokens    INTEGER,
                error             TEXT,
                model_id          TEXT,
                request_json      TEXT NOT NULL,
                output_json       TEXT,
                estimate_json     TEXT,
                state_json        TEXT NOT NULL
            ) STRICT;
            CREATE INDEX ix_tuning_jobs_status ON tuning_jobs (status, created_at_ms);
            CREATE TABLE tuning_events (
                job_id            TEXT NOT NULL REFERENCES tuning_jobs (id) ON DELETE CASCADE,
                seq               INTEGER NOT NULL,
                event_key         TEXT NOT NULL,
                at_ms             INTEGER NOT NULL,
                level             TEXT NOT NULL,
                kind              TEXT NOT NULL,
                message           TEXT NOT NULL,
                data_json         TEXT,
                PRIMARY KEY (job_id, seq),
                UNIQUE (job_id, event_key)
            ) STRICT;
            CREATE TABLE tuning_metrics (
                job_id            TEXT NOT NULL REFERENCES tuning_jobs (id) ON DELETE CASCADE,
                step              INTEGER NOT NULL,
                at_ms             INTEGER,
                train_loss        REAL,
                valid_loss        REAL,
                valid_accuracy    REAL,
                learning_rate     REAL,
                PRIMARY KEY (job_id, step)
            ) STRICT;
            CREATE TABLE tuning_checkpoints (
                job_id            TEXT NOT NULL REFERENCES tuning_jobs (id) ON DELETE CASCADE,
                step              INTEGER NOT NULL,
                at_ms             INTEGER NOT NULL,
                reference         TEXT,
                train_loss        REAL,
                valid_loss        REAL,
                valid_accuracy    REAL,
                PRIMARY KEY (job_id, step)
            ) STRICT;
            CREATE TABLE models (
                id                TEXT PRIMARY KEY,
                created_at_ms     INTEGER NOT NULL,
                source            TEXT NOT NULL,
                kind              TEXT NOT NULL,
                provider          TEXT NOT NULL,
                reference         TEXT NOT NULL,
                base_reference    TEXT,
                base_url          TEXT,
                api_key_env       TEXT,
                job_id            TEXT,
                sha256            TEXT,
                bytes             INTEGER,
                description       TEXT,
                lineage_json      TEXT NOT NULL
            ) STRICT;
            CREATE UNIQUE INDEX ix_models_job ON models (job_id) WHERE job_id IS NOT NULL;
            CREATE TABLE alias_changes (
                id                TEXT PRIMARY KEY,
                spec_path         TEXT NOT NULL,
                alias             TEXT NOT NULL,
                model_id          TEXT,
                at_ms             INTEGER NOT NULL,
                before_json       TEXT NOT NULL,
                after_json        TEXT NOT NULL,
                before_text       TEXT NOT NULL,
                after_text        TEXT NOT NULL,
                rolled_back_at_ms INTEGER
            ) STRICT;
            CREATE INDEX ix_alias_changes_alias ON alias_changes (spec_path, alias, at_ms);
            """),
        // Every SQLite index costs its own pages in each commit of the gateway's log (an index leaf that fills is
        // balanced with its siblings, even when its keys only append), and five of them took ~15% of a moderated
        // gateway's throughput (bench/results/gateway.md). One index leading with the time covers the filters of any
        // windowed query (counts, retention, export) and gives the newest-first order; the rare statuses keep an index of
        // their own that a healthy gateway never writes.
        (5, "leaner interaction indexes", """
            DROP INDEX ix_interactions_started;
            DROP INDEX ix_interactions_route_started;
            DROP INDEX ix_interactions_model_started;
            DROP INDEX ix_interactions_key_started;
            DROP INDEX ix_interactions_status_started;
            CREATE INDEX ix_interactions_started_filters ON interactions (started_at_ms, source, route, model_id, status, key_id);
            CREATE INDEX ix_interactions_unsettled ON interactions (status, started_at_ms) WHERE status <> 'ok';
            """),
        // A key is what a private beta's questions are about (who did this, who used how much), and a key may have no
        // recent traffic: its newest interactions and its counts over a window come from an index of its own.
        (6, "interactions by key", """
            CREATE INDEX ix_interactions_key_started ON interactions (key_id, started_at_ms) WHERE key_id IS NOT NULL;
            """),
    ];

    public static int LatestVersion => All[^1].Version;

    public static void Apply(SqliteConnection connection, TimeProvider time, string path)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL) STRICT;
                """;
            create.ExecuteNonQuery();
        }

        int current;
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
            current = Convert.ToInt32(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"{path}: the store's schema is version {current}, newer than this Tailor understands ({LatestVersion}). Upgrade Tailor to open it.");
        }

        foreach (var (version, name, sql) in All.Where(m => m.Version > current))
        {
            using var tx = connection.BeginTransaction();
            using (var migrate = connection.CreateCommand())
            {
                migrate.Transaction = tx;
                migrate.CommandText = sql;
                migrate.ExecuteNonQuery();
            }
            using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", time.GetUtcNow().ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }
}
