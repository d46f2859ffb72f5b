namespace Tailor.Tuning.Registry;

/// <summary>
/// The model registry: every model a job produced or a user imported, with its lineage; looks models up by id or by
/// a unique prefix of it. Registering is idempotent per job.
/// </summary>
/// <remarks>Thread-safe as long as the store is.</remarks>
public sealed class ModelRegistry(ITuningStore store, TuningIds ids, TimeProvider timeProvider)
{
    /// <summary>Registers what <paramref name="job"/> produced, with its lineage; returns the existing entry when there is one.</summary>
    /// <exception cref="InvalidOperationException">The job has produced nothing yet.</exception>
    public async Task<RegisteredModel> RegisterJobOutputAsync(
        TuningJob job, IReadOnlyList<TuningMetric> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(metrics);
        var output = job.Output ?? throw new InvalidOperationException($"job {job.Id} has produced no model yet");
        await foreach (var existing in store.ListModelsAsync(new ModelQuery { JobId = job.Id, Limit = 1 }, cancellationToken))
        {
            return existing;
        }

        string id = job.Request.ModelId;
        if (await store.GetModelAsync(id, cancellationToken) is not null)
        {
            id = ids.NewModelId(job.Request.Suffix ?? job.Request.BaseModel);
        }

        var model = new RegisteredModel
        {
            Id = id,
            CreatedAt = timeProvider.GetUtcNow(),
            Source = ModelSource.Tuned,
            Kind = output.Kind,
            Provider = output.Provider,
            Reference = output.Reference,
            BaseReference = output.BaseReference,
            BaseUrl = output.BaseUrl,
            ApiKeyEnv = output.ApiKeyEnv,
            JobId = job.Id,
            Sha256 = output.Sha256,
            Bytes = output.Bytes,
            Lineage = new ModelLineage
            {
                BaseModel = job.Request.BaseModel,
                BaseReference = job.Request.BaseReference,
                BaseSha256 = job.State.GetValueOrDefault("base_sha256"),
                Backend = job.Backend,
                JobId = job.Id,
                ExternalJobId = job.ExternalId,
                Datasets = [.. job.Request.TrainingFiles, .. job.Request.ValidationFiles],
                Hyperparameters = job.Request.Hyperparameters,
                Metrics = Final(job, metrics),
                Recipe = job.Request,
                RunRecord = job.State.GetValueOrDefault("run_record"),
            },
        };
        await store.AddModelAsync(model, cancellationToken);
        return model;
    }

    /// <summary>Registers an imported model under a new id.</summary>
    public async Task<RegisteredModel> ImportAsync(ModelImport import, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        var model = new RegisteredModel
        {
            Id = import.Id ?? ids.NewModelId(import.Name ?? import.Reference),
            CreatedAt = timeProvider.GetUtcNow(),
            Source = ModelSource.Imported,
            Kind = import.Kind,
            Provider = import.Provider,
            Reference = import.Reference,
            BaseReference = import.BaseReference,
            BaseUrl = import.BaseUrl,
            ApiKeyEnv = import.ApiKeyEnv,
            Sha256 = import.Sha256,
            Bytes = import.Bytes,
            Description = import.Description,
            Lineage = import.Lineage,
        };
        await store.AddModelAsync(model, cancellationToken);
        return model;
    }

    /// <summary>The model with this id, or the only one whose id starts with it.</summary>
    /// <exception cref="TuningException">None or several match.</exception>
    public async Task<RegisteredModel> ResolveAsync(string idOrPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        if (await store.GetModelAsync(idOrPrefix, cancellationToken) is { } exact)
        {
            return exact;
        }

        var matches = new List<RegisteredModel>();
        await foreach (var model in store.ListModelsAsync(new ModelQuery { IdPrefix = idOrPrefix, Limit = 6 }, cancellationToken))
        {
            matches.Add(model);
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new TuningException($"no model '{idOrPrefix}' in the registry", "'tailor models list' shows the registered models; 'tailor models import' adds one"),
            _ => throw new TuningException($"'{idOrPrefix}' matches several models: {string.Join(", ", matches.Take(5).Select(m => m.Id))}", "give more of the id"),
        };
    }

    private static ModelMetrics Final(TuningJob job, IReadOnlyList<TuningMetric> metrics) => new(
        job.Step ?? metrics.LastOrDefault()?.Step,
        metrics.LastOrDefault(m => m.TrainLoss is not null)?.TrainLoss,
        metrics.LastOrDefault(m => m.ValidLoss is not null)?.ValidLoss,
        metrics.LastOrDefault(m => m.ValidAccuracy is not null)?.ValidAccuracy,
        job.TrainedTokens);
}
