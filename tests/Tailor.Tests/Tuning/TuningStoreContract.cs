using Tailor.Data.Tokens;
using Tailor.Store.Relational;
using Tailor.Store.Postgres;
using Tailor.Store.Sqlite;
using Tailor.Testing;
using Tailor.Tests.Store;
using Tailor.Tuning;
using Tailor.Tuning.Aliases;
using Tailor.Tuning.Registry;

namespace Tailor.Tests.Tuning;

/// <summary>What every tuning store must do (jobs, progress merged idempotently, the registry, alias changes), run on SQLite and PostgreSQL.</summary>
public abstract class TuningStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<RelationalGatewayStore> OpenAsync();

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    internal static TuningJob Job(string id, TuningJobStatus status = TuningJobStatus.Running) => new()
    {
        Id = id,
        Request = new TuningRequest
        {
            Backend = "mistral",
            BaseModel = "baseline",
            BaseReference = "open-mistral-7b",
            ModelId = "support-abc123",
            TrainingFiles = [new TuningDataFile("data/train.jsonl", TuningDataRole.Training, 2, new string('a', 64), 1234, 10, 9, 1)],
            Hyperparameters = new TuningHyperparameters { Steps = 10, LearningRate = 1e-4 },
            Suffix = "support",
            BaseUrl = new Uri("http://127.0.0.1:9/v1/"),
            ApiKeyEnv = "MY_KEY",
        },
        Status = status,
        ExternalId = "9f1c",
        VendorStatus = "RUNNING",
        WorkDirectory = "/tmp/work",
        CreatedAt = T0,
        UpdatedAt = T0.AddMinutes(1),
        Step = 3,
        TotalSteps = 10,
        Estimate = new CostEstimate("mistral", TimeSpan.FromMinutes(7), 4.5m, "USD", "dry run"),
        State = new Dictionary<string, string> { ["training_file_ids"] = "f1,f2" },
    };

    [Fact]
    public async Task A_job_round_trips_with_its_recipe_estimate_and_state()
    {
        await using var store = await OpenAsync();
        var job = Job("ft-01A");
        await store.CreateJobAsync(job, TestContext.Current.CancellationToken);

        var read = await store.GetJobAsync("ft-01A", TestContext.Current.CancellationToken);

        Assert.NotNull(read);
        Assert.Equal(job.Request.TrainingFiles, read.Request.TrainingFiles);
        Assert.Equal(job.Request.Hyperparameters, read.Request.Hyperparameters);
        Assert.Equal(job.Request.BaseUrl, read.Request.BaseUrl);
        Assert.Equal(job.Estimate, read.Estimate);
        Assert.Equal("f1,f2", read.State["training_file_ids"]);
        Assert.Equal((TuningJobStatus.Running, 3, 10, T0), (read.Status, read.Step, read.TotalSteps, read.CreatedAt));
    }

    [Fact]
    public async Task Progress_merges_events_by_key_and_metrics_and_checkpoints_by_step()
    {
        await using var store = await OpenAsync();
        var job = Job("ft-01B");
        await store.CreateJobAsync(job, TestContext.Current.CancellationToken);
        TuningEvent[] events = [new("a", T0, TuningEventLevel.Info, "status", "queued"), new("b", T0.AddSeconds(1), TuningEventLevel.Info, "status", "running")];

        var first = await store.SaveProgressAsync(job, events, [new TuningMetric(1, 2.5) { At = T0 }], [new TuningCheckpoint(1, T0, "ckpt-1", 2.5)], TestContext.Current.CancellationToken);
        var second = await store.SaveProgressAsync(job with { Step = 2 },
            [events[1], new("c", T0.AddSeconds(2), TuningEventLevel.Warning, "message", "slow", """{"x":1}""")],
            [new TuningMetric(1, null, ValidLoss: 2.9), new TuningMetric(2, 2.1, LearningRate: 1e-4)],
            [new TuningCheckpoint(1, T0, null, null, 2.9)], TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L], first.Select(e => e.Sequence));
        Assert.Equal("c", Assert.Single(second).Key);
        Assert.Equal(3, Assert.Single(second).Sequence);
        var stored = new List<TuningEvent>();
        await foreach (var e in store.ReadEventsAsync("ft-01B", 1, TestContext.Current.CancellationToken))
        {
            stored.Add(e);
        }

        Assert.Equal(["b", "c"], stored.Select(e => e.Key));
        Assert.Equal("""{"x":1}""", stored[1].DataJson);
        Assert.Equal(TuningEventLevel.Warning, stored[1].Level);
        var metrics = await store.ReadMetricsAsync("ft-01B", TestContext.Current.CancellationToken);
        Assert.Equal([(1, (double?)2.5, (double?)2.9), (2, 2.1, null)], metrics.Select(m => (m.Step, m.TrainLoss, m.ValidLoss)));
        var checkpoint = Assert.Single(await store.ReadCheckpointsAsync("ft-01B", TestContext.Current.CancellationToken));
        Assert.Equal(("ckpt-1", (double?)2.5, (double?)2.9), (checkpoint.Reference, checkpoint.TrainLoss, checkpoint.ValidLoss));
        Assert.Equal(2, (await store.GetJobAsync("ft-01B", TestContext.Current.CancellationToken))!.Step);
    }

    [Fact]
    public async Task Saving_progress_of_an_unknown_job_is_refused()
    {
        await using var store = await OpenAsync();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.SaveProgressAsync(Job("ft-missing"), [], [], [], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Jobs_list_newest_first_filtered_by_prefix_backend_and_status()
    {
        await using var store = await OpenAsync();
        await store.CreateJobAsync(Job("ft-01C1"), TestContext.Current.CancellationToken);
        await store.CreateJobAsync(Job("ft-01C2", TuningJobStatus.Succeeded), TestContext.Current.CancellationToken);
        await store.CreateJobAsync(Job("ft-01D1") with { Request = Job("x").Request with { Backend = "local" } }, TestContext.Current.CancellationToken);

        async Task<List<string>> Ids(TuningJobQuery query)
        {
            var ids = new List<string>();
            await foreach (var job in store.ListJobsAsync(query, TestContext.Current.CancellationToken))
            {
                ids.Add(job.Id);
            }

            return ids;
        }

        Assert.Equal(["ft-01D1", "ft-01C2", "ft-01C1"], await Ids(new TuningJobQuery()));
        Assert.Equal(["ft-01C2", "ft-01C1"], await Ids(new TuningJobQuery { IdPrefix = "ft-01C" }));
        Assert.Equal(["ft-01D1"], await Ids(new TuningJobQuery { Backend = "local" }));
        Assert.Equal(["ft-01C2"], await Ids(new TuningJobQuery { Statuses = [TuningJobStatus.Succeeded, TuningJobStatus.Failed] }));
        Assert.Empty(await Ids(new TuningJobQuery { IdPrefix = "ft-01%" }));
    }

    [Fact]
    public async Task A_registered_model_keeps_its_lineage_links_its_job_and_a_job_registers_once()
    {
        await using var store = await OpenAsync();
        var job = Job("ft-01E", TuningJobStatus.Succeeded);
        await store.CreateJobAsync(job, TestContext.Current.CancellationToken);
        var model = new RegisteredModel
        {
            Id = "support-abc123",
            CreatedAt = T0,
            Source = ModelSource.Tuned,
            Kind = TuningOutputKind.Hosted,
            Provider = "mistral",
            Reference = "ft:open-mistral-7b:abc:20260701:support:def",
            BaseUrl = new Uri("http://127.0.0.1:9/v1/"),
            JobId = job.Id,
            Lineage = new ModelLineage
            {
                BaseModel = "baseline",
                Backend = "mistral",
                JobId = job.Id,
                Datasets = job.Request.TrainingFiles,
                Hyperparameters = job.Request.Hyperparameters,
                Metrics = new ModelMetrics(10, 0.5, 0.7, 0.8, 12345),
                Recipe = job.Request,
            },
        };

        await store.AddModelAsync(model, TestContext.Current.CancellationToken);

        var read = await store.GetModelAsync(model.Id, TestContext.Current.CancellationToken);
        Assert.NotNull(read);
        Assert.Equal(model.Lineage.Metrics, read.Lineage.Metrics);
        Assert.Equal(model.Lineage.Datasets, read.Lineage.Datasets);
        Assert.Equal(job.Request.Hyperparameters, read.Lineage.Recipe!.Hyperparameters);
        Assert.Equal(model.BaseUrl, read.BaseUrl);
        Assert.Equal(model.Id, (await store.GetJobAsync(job.Id, TestContext.Current.CancellationToken))!.RegisteredModelId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddModelAsync(model with { Id = "other-1" }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddModelAsync(model with { JobId = null }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Alias_changes_list_newest_first_and_can_be_marked_rolled_back()
    {
        await using var store = await OpenAsync();
        AliasChange Change(string id, int minutes) => new()
        {
            Id = id,
            SpecPath = "/p/tailor.yaml",
            Alias = "candidate",
            ModelId = "m-" + id,
            At = T0.AddMinutes(minutes),
            Before = new Dictionary<string, string?> { ["path"] = "models/old.gguf", ["adapters"] = null },
            After = new Dictionary<string, string?> { ["path"] = ".tailor/tuning/x/model.gguf", ["adapters"] = null },
            BeforeText = "\n    provider: local\n    path: models/old.gguf",
            AfterText = "\n    provider: local\n    path: .tailor/tuning/x/model.gguf",
        };
        await store.AddAliasChangeAsync(Change("c1", 0), TestContext.Current.CancellationToken);
        await store.AddAliasChangeAsync(Change("c2", 5), TestContext.Current.CancellationToken);

        await store.MarkRolledBackAsync("c2", T0.AddMinutes(9), TestContext.Current.CancellationToken);

        var changes = new List<AliasChange>();
        await foreach (var c in store.ListAliasChangesAsync("/p/tailor.yaml", "candidate", TestContext.Current.CancellationToken))
        {
            changes.Add(c);
        }

        Assert.Equal(["c2", "c1"], changes.Select(c => c.Id));
        Assert.Equal(T0.AddMinutes(9), changes[0].RolledBackAt);
        Assert.Null(changes[1].RolledBackAt);
        Assert.Null(changes[1].Before["adapters"]);
        Assert.Equal("models/old.gguf", changes[1].Before["path"]);
        Assert.Equal("\n    provider: local\n    path: models/old.gguf", changes[1].BeforeText);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.MarkRolledBackAsync("nope", T0, TestContext.Current.CancellationToken));
    }
}

public sealed class SqliteTuningStoreTests : TuningStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tailor-tuning-store-").FullName;

    protected override Task<RelationalGatewayStore> OpenAsync() => Task.FromResult<RelationalGatewayStore>(SqliteInteractionStore.Open(Path.Combine(_directory, "tailor.db")));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

public sealed class PostgresTuningStoreTests : TuningStoreContract
{
    private PostgresTestDatabase? _database;

    public override async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.RequireAsync(TestContext.Current.CancellationToken);

    protected override async Task<RelationalGatewayStore> OpenAsync() => await PostgresGatewayStore.OpenAsync(_database!.ConnectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
