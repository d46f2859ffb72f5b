using System.Text.Json;
using Tailor.Store;
using Tailor.Store.Sqlite;
using Tailor.Testing;

namespace Tailor.Cli.Tests;

/// <summary>
/// The tuning issue's "done means" on the sample application: <c>tailor tune start --backend local</c> produces a model,
/// <c>tailor models promote candidate &lt;id&gt;</c> points the alias at it, <c>tailor eval run --model candidate</c> answers
/// with it, and <c>tailor models rollback candidate</c> gives tailor.yaml back byte for byte. The sample's Mistral
/// moderation classifier talks to a fake that follows Mistral's moderation contract; nothing else of the sample changes.
/// </summary>
public sealed class TuneSampleEndToEndTests : IAsyncLifetime
{
    private readonly CliRunner _cli = new();
    private FakeModerationServer _moderation = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Project(params string[] parts) => _cli.PathOf(["support-bot", .. parts]);

    public async ValueTask InitializeAsync()
    {
        _moderation = await FakeModerationServer.StartAsync(ModerationVendor.Mistral, Ct);
        _cli.WithVariable("MISTRAL_API_KEY", "test-key");
        Copy(Path.Combine(RepositoryRoot(), "samples", "support-bot"), Project());
        string spec = File.ReadAllText(Project("tailor.yaml"));
        const string classifier = "    - type: mistral\n      model: mistral-moderation-latest\n";
        Assert.Contains(classifier, spec, StringComparison.Ordinal);
        File.WriteAllText(Project("tailor.yaml"), spec.Replace(classifier, classifier + $"      base_url: {_moderation.BaseUrl}\n", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _moderation.DisposeAsync();
        _cli.Dispose();
    }

    [Fact]
    public async Task A_locally_tuned_model_is_promoted_to_candidate_answers_its_evals_and_is_rolled_back()
    {
        // a tiny base model, made here from the sample's own text (a context long enough for its system prompt)
        var created = await _cli.RunInAsync(Project(), "model", "create", "models/base.gguf", "--corpus", "data/train.jsonl", "prompts/support.md", "evals/smoke.yaml",
            "--vocab", "400", "--embd", "32", "--layers", "1", "--heads", "2", "--context", "1024");
        Assert.True(created.ExitCode == 0, created.ToString());
        byte[] original = File.ReadAllBytes(Project("tailor.yaml"));

        // 1. tune: pre-flight, the local trainer in its worker, the model registered
        var tuned = await _cli.RunInAsync(Project(), "tune", "start", "--backend", "local", "--base", "models/base.gguf", "--train", "data/train.jsonl",
            "--steps", "6", "--batch", "2", "--seq-len", "64", "--threads", "1", "--lr", "0.005", "--watch", "--interval", "100ms", "--json");
        Assert.True(tuned.ExitCode == 0, tuned.ToString());
        using var job = JsonDocument.Parse(tuned.Out);
        Assert.Equal("succeeded", job.RootElement.GetProperty("status").GetString());
        string modelId = job.RootElement.GetProperty("model_id").GetString()!;
        string jobId = job.RootElement.GetProperty("id").GetString()!;
        string file = $".tailor/tuning/{jobId}/model.gguf";
        Assert.Equal(file, job.RootElement.GetProperty("output").GetProperty("reference").GetString());
        Assert.True(File.Exists(Project(file)));

        // 2. promote: only the alias's path changes, its comment stays
        var promoted = await _cli.RunInAsync(Project(), "models", "promote", "candidate", modelId);
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        string after = File.ReadAllText(Project("tailor.yaml"));
        Assert.Contains($"    path: {file}      # a tuned model once `tailor models promote candidate <model>`; a warning until then\n", after, StringComparison.Ordinal);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(original), after.Replace(file, "models/candidate.gguf", StringComparison.Ordinal));
        var check = await _cli.RunInAsync(Project(), "spec", "check");
        Assert.True(check.ExitCode == 0, check.ToString());

        // 3. evaluate the candidate: the run records the promoted file, and the answers came from the tuned model
        var eval = await _cli.RunInAsync(Project(), "eval", "run", "--model", "candidate");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var runs = await _cli.RunInAsync(Project(), "eval", "list", "--json");
        using (var list = JsonDocument.Parse(runs.Out))
        {
            var run = Assert.Single(list.RootElement.EnumerateArray());
            Assert.Equal(("candidate", file), (run.GetProperty("model").GetString(), run.GetProperty("model_id").GetString()));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var store = SqliteInteractionStore.Open(Project(".tailor", "tailor.db")))
        {
            var answers = await store.QueryAsync(new InteractionQuery { Source = "eval" }, Ct).ToListAsync(Ct);
            Assert.Equal(8, answers.Count);
            // every case reached the tuned model (the GGUF's own name is its registry id), except the prompt attack the
            // sample's moderation stops before any model
            var answered = answers.Where(a => a.FinishReason != "content_filter").ToList();
            Assert.Equal(7, answered.Count);
            Assert.All(answered, a => Assert.Equal((modelId, "local"), (a.ModelId, a.Provider)));
        }

        // the registry knows the run used the model
        var show = await _cli.RunInAsync(Project(), "models", "show", modelId, "--json");
        using (var shown = JsonDocument.Parse(show.Out))
        {
            Assert.Equal(["candidate"], shown.RootElement.GetProperty("model").GetProperty("serves").EnumerateArray().Select(a => a.GetString()));
            Assert.Single(shown.RootElement.GetProperty("eval_runs").EnumerateArray());
            Assert.Equal("candidate", Assert.Single(shown.RootElement.GetProperty("promotions").EnumerateArray()).GetProperty("alias").GetString());
        }

        // 4. roll back: the original bytes
        var rolledBack = await _cli.RunInAsync(Project(), "models", "rollback", "candidate");
        Assert.True(rolledBack.ExitCode == 0, rolledBack.ToString());
        Assert.Equal(original, File.ReadAllBytes(Project("tailor.yaml")));
    }

    private static void Copy(string from, string to)
    {
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tailor.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("the repository root (Tailor.slnx) was not found above the test binaries");
    }
}
