using System.Text.Json;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor demo --fast</c>: the README's main job, the whole loop offline on a tiny local model, run end to end and
/// checked by what it leaves behind.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task The_demo_takes_an_application_around_the_loop_and_the_tuned_model_beats_the_base()
    {
        var demo = await _cli.RunAsync("demo", "app", "--fast");

        // The gates may or may not pass on a model this small; anything else is a failure.
        Assert.True(demo.ExitCode is 0 or 1, demo.ToString());
        string Project(params string[] parts) => _cli.PathOf(["app", .. parts]);
        Assert.True(File.Exists(Project("models", "base.gguf")));
        Assert.True(File.Exists(Project("models", "candidate.gguf")));

        // The beta's traffic went through the gateway and was rated.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var store = SqliteInteractionStore.Open(Project(".tailor", "tailor.db")))
        {
            var ct = TestContext.Current.CancellationToken;
            Assert.True(await store.CountAsync(new InteractionQuery { Source = "gateway" }, ct) >= 50);
            Assert.True(await store.CountAsync(new InteractionQuery { Source = "gateway", HasFeedback = true }, ct) >= 48);
        }

        // The tuning set: corrected answers, no duplicates, nothing the eval suite asks.
        var train = File.ReadAllLines(Project("data", "train.jsonl"));
        Assert.NotEmpty(train);
        Assert.Equal(train.Length, train.Distinct().Count());
        string suite = File.ReadAllText(Project("evals", "heldout.yaml"));
        foreach (string line in train)
        {
            using var example = JsonDocument.Parse(line);
            string question = example.RootElement.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
            Assert.DoesNotContain(JsonSerializer.Serialize(question), suite, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("4111", string.Concat(train), StringComparison.Ordinal);

        // Proved with evals: the candidate answers more held-out questions than the base.
        var base_ = await _cli.RunInAsync(Project(), "eval", "report", "base", "-f", "json");
        var candidate = await _cli.RunInAsync(Project(), "eval", "report", "candidate", "-f", "json");
        Assert.True(Accuracy(candidate) > Accuracy(base_), $"candidate {Accuracy(candidate)} vs base {Accuracy(base_)}");
    }

    private static double Accuracy(CliResult report)
    {
        using var json = JsonDocument.Parse(report.Out);
        var run = json.RootElement.GetProperty("runs")[0];
        return run.GetProperty("metrics").EnumerateArray().First(m => m.GetProperty("metric").GetString() == "accuracy").GetProperty("mean").GetProperty("estimate").GetDouble();
    }
}
