using Tailor.Tuning;
using Tailor.Tuning.Backends;
using Tailor.Tuning.Backends.Mistral;
using Tailor.Tuning.Backends.OpenAI;

namespace Tailor.Tests.Tuning;

/// <summary>Pre-flight: every file validated in the backend's format before a job may start; errors block unless forced; the user's files are only read.</summary>
public sealed class PreflightTests : IAsyncLifetime
{
    private TuningSandbox _sandbox = null!;

    public ValueTask InitializeAsync()
    {
        _sandbox = new TuningSandbox();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    private static HostedTuningOptions Offline(string key) => new()
    {
        DefaultBaseUri = new Uri("http://127.0.0.1:9/v1/"),
        DefaultKeyVariable = key,
        GetEnvironmentVariable = _ => "unused",
    };

    private static TuningJobDraft Draft(string backend, bool force = false) => new()
    {
        Backend = backend,
        BaseModel = "m",
        BaseReference = "m",
        TrainingFiles = [new TuningDataSource("data/train.jsonl")],
        Hyperparameters = backend == "mistral" ? new TuningHyperparameters { Steps = 10 } : new TuningHyperparameters(),
        Force = force,
    };

    private string WriteMixed()
    {
        var good = File.ReadAllLines(_sandbox.WriteChats("data/train.jsonl", 11));
        return _sandbox.WriteLines("data/train.jsonl",
        [
            good[0],
            """{"messages": [{"role": "user", "content": "no answer"}]}""",
            good[1],
            """{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}""",
            .. good[2..],
        ]);
    }

    [Fact]
    public async Task Bad_lines_block_the_job_with_the_validators_rules_and_lines()
    {
        string path = WriteMixed();
        byte[] before = File.ReadAllBytes(path);
        var manager = _sandbox.Manager(new MistralTuningBackend(Offline("K")));

        var preparation = await manager.PrepareAsync(Draft("mistral"), TuningSandbox.Counter, TestContext.Current.CancellationToken);

        Assert.True(preparation.IsBlocked);
        var file = Assert.Single(preparation.Preflight.Files);
        Assert.Equal((13L, 11L, 2L), (file.File.Lines, file.File.Examples, file.File.Rejected));
        var rules = file.Report.Rules.Where(r => r.Rule.Severity == Tailor.Data.Validation.IssueSeverity.Error).ToDictionary(r => r.Rule.Code, r => r.Examples.Select(e => e.Line).ToList());
        Assert.Equal([4L], rules["json-syntax"]);
        Assert.Equal([2L], rules["last-role"]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => manager.StartAsync(preparation, TestContext.Current.CancellationToken));
        Assert.Equal(before, File.ReadAllBytes(path));
        TuningJobManager.Discard(preparation);
        Assert.False(Directory.Exists(preparation.Job.WorkDirectory));
    }

    [Fact]
    public async Task Forced_the_rejected_lines_are_left_out_of_the_prepared_data_and_recorded_as_such()
    {
        WriteMixed();
        var manager = _sandbox.Manager(new OpenAITuningBackend(Offline("K")));

        var preparation = await manager.PrepareAsync(Draft("openai", force: true), TuningSandbox.Counter, TestContext.Current.CancellationToken);

        Assert.False(preparation.IsBlocked);
        Assert.True(preparation.Job.Request.Forced);
        var prepared = File.ReadAllLines(preparation.Launch.TrainingFiles[0].Path);
        Assert.Equal(11, prepared.Length);
        Assert.All(prepared, line => Assert.StartsWith("""{"messages":[{"role":"user","content":"Question""", line, StringComparison.Ordinal));
        Assert.Equal(11, preparation.Preflight.Tokens.Examples);
        Assert.Equal(2, preparation.Preflight.Rejected);
        Assert.Equal(("data/train.jsonl", 2L), (preparation.Job.Request.TrainingFiles[0].Path, preparation.Job.Request.TrainingFiles[0].Rejected));
    }

    [Fact]
    public async Task Options_the_backend_cannot_honour_are_named_before_missing_data()
    {
        var manager = _sandbox.Manager(new OpenAITuningBackend(Offline("K")));
        var draft = Draft("openai") with { TrainingFiles = [], Hyperparameters = new TuningHyperparameters { Steps = 100 } };

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.PrepareAsync(draft, TuningSandbox.Counter, TestContext.Current.CancellationToken));

        Assert.Contains("--steps is not an OpenAI setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_data_file_is_an_input_error_naming_it_and_leaves_no_work_directory()
    {
        var manager = _sandbox.Manager(new MistralTuningBackend(Offline("K")));

        var error = await Assert.ThrowsAsync<TuningException>(() => manager.PrepareAsync(Draft("mistral"), TuningSandbox.Counter, TestContext.Current.CancellationToken));

        Assert.Contains("no data file at", error.Message, StringComparison.Ordinal);
        Assert.Contains("train.jsonl", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_sandbox.PathOf(".tailor/tuning")) && Directory.EnumerateDirectories(_sandbox.PathOf(".tailor/tuning")).Any());
    }

    [Fact]
    public async Task The_offline_mistral_estimate_prices_epochs_and_never_goes_below_the_minimum_fee()
    {
        _sandbox.WriteChats("data/train.jsonl", 30);
        var options = Offline("K") with { PricePerMillionTokens = new Dictionary<string, decimal> { ["m"] = 1.5m } };
        var manager = _sandbox.Manager(new MistralTuningBackend(options));

        var preparation = await manager.PrepareAsync(Draft("mistral") with { Hyperparameters = new TuningHyperparameters { Epochs = 3 } }, TuningSandbox.Counter, TestContext.Current.CancellationToken);

        Assert.Equal(4m, preparation.Job.Estimate!.Cost);
        Assert.Contains($"{preparation.Preflight.Tokens.TotalTokens * 3:N0} trained tokens", preparation.Job.Estimate.Basis, StringComparison.Ordinal);
        Assert.Contains("minimum $4", preparation.Job.Estimate.Basis, StringComparison.Ordinal);
    }
}
