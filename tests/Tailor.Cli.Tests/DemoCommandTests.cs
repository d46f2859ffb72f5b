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
        // The tuning job's model was promoted to the candidate alias.
        string spec = File.ReadAllText(Project("tailor.yaml"));
        string tuned = Assert.Single(System.Text.RegularExpressions.Regex.Matches(spec, @"path: (\.tailor/tuning/[^\s]+\.gguf)").Select(m => m.Groups[1].Value).Distinct());
        Assert.True(File.Exists(Project(tuned)));

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

        // Switched only when the gates passed: production then names the tuned model, and the gateway's last answer
        // on the route came from it; otherwise production still serves the base model.
        bool switched = demo.ExitCode == 0;
        Assert.Equal(switched ? 2 : 1, System.Text.RegularExpressions.Regex.Matches(spec, System.Text.RegularExpressions.Regex.Escape(tuned)).Count);
        if (switched)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var store = SqliteInteractionStore.Open(Project(".tailor", "tailor.db"));
            var last = await store.QueryAsync(new InteractionQuery { Source = "gateway", Limit = 1 }, TestContext.Current.CancellationToken).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal("support", last.Route);
            Assert.StartsWith("support-", last.ModelId, StringComparison.Ordinal);
            Assert.Equal(InteractionStatus.Ok, last.Status);
        }
    }

    private static double Accuracy(CliResult report)
    {
        using var json = JsonDocument.Parse(report.Out);
        var run = json.RootElement.GetProperty("runs")[0];
        return run.GetProperty("metrics").EnumerateArray().First(m => m.GetProperty("metric").GetString() == "accuracy").GetProperty("mean").GetProperty("estimate").GetDouble();
    }
}
