using System.Globalization;
using Tailor.Tuning;
using Tailor.Tuning.Aliases;
using Tailor.Tuning.Registry;

namespace Tailor.Store.Relational;

/// <summary>The tuning part of the store: jobs, their progress, the model registry and alias changes (<see cref="TuningRows"/>).</summary>
public abstract partial class RelationalGatewayStore : ITuningStore
{
    public Task CreateJobAsync(TuningJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return GuardAsync(() => WriteAsync((connection, tx, ct) => ExecuteAsync(connection, tx, TuningRows.InsertJob, c => TuningRows.BindJob(c, job), ct), cancellationToken));
    }

    public async Task<IReadOnlyList<TuningEvent>> SaveProgressAsync(
        TuningJob job, IReadOnlyList<TuningEvent> events, IReadOnlyList<TuningMetric> metrics, IReadOnlyList<TuningCheckpoint> checkpoints,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(checkpoints);
        var added = new List<TuningEvent>();
        await GuardAsync(() => WriteAsync(async (connection, tx, ct) =>
        {
            added.Clear();
            if (await ExecuteAsync(connection, tx, TuningRows.UpdateJob, c => TuningRows.BindJob(c, job), ct) == 0)
            {
                throw new KeyNotFoundException($"no tuning job '{job.Id}'");
            }

            long sequence;
            using (var next = Command(connection, tx, TuningRows.NextEventSequence))
            {
                InteractionRows.Add(next, "@job_id", job.Id);
                sequence = Convert.ToInt64(await next.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }

            foreach (var e in events)
            {
                if (await ExecuteAsync(connection, tx, TuningRows.InsertEvent, c => TuningRows.BindEvent(c, job.Id, sequence + 1, e), ct) == 1)
                {
                    sequence++;
                    added.Add(e with { Sequence = sequence });
                }
            }

            foreach (var metric in metrics)
            {
                await ExecuteAsync(connection, tx, TuningRows.UpsertMetric, c => TuningRows.BindMetric(c, job.Id, metric), ct);
            }

            foreach (var checkpoint in checkpoints)
            {
                await ExecuteAsync(connection, tx, TuningRows.UpsertCheckpoint, c => TuningRows.BindCheckpoint(c, job.Id, checkpoint), ct);
            }
        }, cancellationToken));
        return added;
    }

    public async Task<TuningJob?> GetJobAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await foreach (var job in ReadAsync(TuningRows.SelectJob + " WHERE id = @id", [("@id", id)], TuningRows.ReadJob, cancellationToken))
        {
            return job;
        }

        return null;
    }

    public IAsyncEnumerable<TuningJob> ListJobsAsync(TuningJobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = TuningRows.FilterJobs(query);
        parameters.Add(("@limit", query.Limit));
        return ReadAsync($"{TuningRows.SelectJob} {where} ORDER BY id DESC LIMIT @limit", parameters, TuningRows.ReadJob, cancellationToken);
    }

    public IAsyncEnumerable<TuningEvent> ReadEventsAsync(string jobId, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return ReadAsync(TuningRows.SelectEvents, [("@job_id", jobId), ("@after", afterSequence)], TuningRows.ReadEvent, cancellationToken);
    }

    public Task<IReadOnlyList<TuningMetric>> ReadMetricsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return ListAsync(ReadAsync(TuningRows.SelectMetrics, [("@job_id", jobId)], TuningRows.ReadMetric, cancellationToken));
    }

    public Task<IReadOnlyList<TuningCheckpoint>> ReadCheckpointsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return ListAsync(ReadAsync(TuningRows.SelectCheckpoints, [("@job_id", jobId)], TuningRows.ReadCheckpoint, cancellationToken));
    }

    public async Task AddModelAsync(RegisteredModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (await GetModelAsync(model.Id, cancellationToken) is not null)
        {
            throw new InvalidOperationException($"a model with id '{model.Id}' is already registered");
        }

        if (model.JobId is { } jobId && await FirstAsync(ListModelsAsync(new ModelQuery { JobId = jobId, Limit = 1 }, cancellationToken)) is { } existing)
        {
            throw new InvalidOperationException($"job '{jobId}' already produced model '{existing.Id}'");
        }

        await GuardAsync(() => WriteAsync(async (connection, tx, ct) =>
        {
            await ExecuteAsync(connection, tx, TuningRows.InsertModel, c => TuningRows.BindModel(c, model), ct);
            if (model.JobId is { } job)
            {
                await ExecuteAsync(connection, tx, TuningRows.LinkJobToModel, c =>
                {
                    InteractionRows.Add(c, "@model_id", model.Id);
                    InteractionRows.Add(c, "@job_id", job);
                }, ct);
            }
        }, cancellationToken));
    }

    public async Task<RegisteredModel?> GetModelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await FirstAsync(ReadAsync(TuningRows.SelectModel + " WHERE id = @id", [("@id", id)], TuningRows.ReadModel, cancellationToken));
    }

    public IAsyncEnumerable<RegisteredModel> ListModelsAsync(ModelQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clauses = new List<string>();
        var parameters = new List<(string Name, object Value)>();
        if (query.IdPrefix is { } prefix)
        {
            clauses.Add("substr(id, 1, @prefix_length) = @prefix");
            parameters.Add(("@prefix_length", prefix.Length));
            parameters.Add(("@prefix", prefix));
        }

        if (query.JobId is { } jobId)
        {
            clauses.Add("job_id = @job_id");
            parameters.Add(("@job_id", jobId));
        }

        parameters.Add(("@limit", query.Limit));
        string where = clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);
        return ReadAsync($"{TuningRows.SelectModel} {where} ORDER BY created_at_ms DESC, id DESC LIMIT @limit", parameters, TuningRows.ReadModel, cancellationToken);
    }

    public Task AddAliasChangeAsync(AliasChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return GuardAsync(() => WriteAsync((connection, tx, ct) => ExecuteAsync(connection, tx, TuningRows.InsertAliasChange, c => TuningRows.BindAliasChange(c, change), ct), cancellationToken));
    }

    public IAsyncEnumerable<AliasChange> ListAliasChangesAsync(string specPath, string? alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specPath);
        var parameters = new List<(string Name, object Value)> { ("@spec_path", specPath) };
        string where = "WHERE spec_path = @spec_path";
        if (alias is not null)
        {
            where += " AND alias = @alias";
            parameters.Add(("@alias", alias));
        }

        return ReadAsync($"{TuningRows.SelectAliasChanges} {where} ORDER BY at_ms DESC, id DESC", parameters, TuningRows.ReadAliasChange, cancellationToken);
    }

    public Task MarkRolledBackAsync(string changeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changeId);
        return GuardAsync(() => WriteAsync(async (connection, tx, ct) =>
        {
            if (await ExecuteAsync(connection, tx, TuningRows.MarkRolledBack, c =>
            {
                InteractionRows.Add(c, "@id", changeId);
                InteractionRows.Add(c, "@at", at.ToUnixTimeMilliseconds());
            }, ct) == 0)
            {
                throw new KeyNotFoundException($"no alias change '{changeId}'");
            }
        }, cancellationToken));
    }

    private static async Task<IReadOnlyList<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task<T?> FirstAsync<T>(IAsyncEnumerable<T> items) where T : class
    {
        await foreach (var item in items)
        {
            return item;
        }

        return null;
    }
}
