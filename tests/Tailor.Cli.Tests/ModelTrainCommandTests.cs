using System.Text.Json;
using Spectre.Console.Testing;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor model pretrain|finetune</c> on a generated tiny model, training in the worker process as a user's run does.</summary>
public sealed class ModelTrainCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private static readonly string[] Words = ["ember", "harbor", "violet", "canyon", "pepper", "meadow", "silver", "thunder"];

    private async Task CreateModelAndDataAsync()
    {
        var lines = Words.Select((w, i) => JsonSerializer.Serialize(new
        {
            messages = new object[] { new { role = "user", content = $"What is the code of {w}?" }, new { role = "assistant", content = $"{w} is {100 + i * 7}" } },
        }));
        File.WriteAllLines(_cli.PathOf("qa.jsonl"), lines);
        File.WriteAllText(_cli.PathOf("story.txt"), string.Join(' ', Words.Select((w, i) => $"The {w} code is {100 + i * 7}.")));
        var created = await _cli.RunAsync("model", "create", "base.gguf", "--corpus", "qa.jsonl", "story.txt",
            "--vocab", "300", "--embd", "32", "--layers", "1", "--heads", "2", "--context", "128");
        Assert.True(created.ExitCode == 0, created.ToString());
    }

    private static string[] Small => ["--steps", "6", "--batch", "2", "--seq-len", "64", "--threads", "1", "--lr", "0.005"];

    [Fact]
    public async Task Finetune_trains_in_a_worker_and_prints_one_json_event_per_line()
    {
        await CreateModelAndDataAsync();

        var run = await _cli.RunAsync(["model", "finetune", "base.gguf", "--data", "qa.jsonl", "--out", "tuned.gguf", "--val-split", "0.25", "--json", .. Small]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("started", events[0].GetProperty("event").GetString());
        Assert.Equal(6, events.Count(e => e.GetProperty("event").GetString() == "step"));
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "validation");
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "verified");
        var completed = events[^1];
        Assert.Equal("completed", completed.GetProperty("event").GetString());
        Assert.Equal(_cli.PathOf("tuned.gguf"), completed.GetProperty("result").GetProperty("outputPath").GetString());
        Assert.True(File.Exists(_cli.PathOf("tuned.gguf.run.json")));
    }

    [Fact]
    public async Task Pretrain_reads_text_and_lora_finetune_writes_an_adapter_with_a_progress_display()
    {
        await CreateModelAndDataAsync();

        var pretrain = await _cli.RunAsync(["model", "pretrain", "base.gguf", "--data", "story.txt", "--out", "pre.gguf", .. Small]);
        var lora = await _cli.RunAsync(["model", "finetune", "pre.gguf", "--data", "qa.jsonl", "--out", "qa.lora.gguf", "--lora", "--rank", "4", "--targets", "attn_q", "attn_v", .. Small]);

        Assert.True(pretrain.ExitCode == 0, pretrain.ToString());
        Assert.Contains("step      6/6", pretrain.Error, StringComparison.Ordinal);
        Assert.Contains("trained", pretrain.Out, StringComparison.Ordinal);
        Assert.True(lora.ExitCode == 0, lora.ToString());
        Assert.Contains("(LoRA adapter)", lora.Out, StringComparison.Ordinal);
        Assert.Contains("training lora", lora.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_lines_are_reported_with_file_and_line_and_exit_2()
    {
        await CreateModelAndDataAsync();
        File.WriteAllLines(_cli.PathOf("bad.jsonl"),
        [
            """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}""",
            """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"x","weight":0.5}]}""",
            "not json",
            """{"prompt":"x"}""",
        ]);

        var run = await _cli.RunAsync(["model", "finetune", "base.gguf", "--data", "bad.jsonl", "--out", "x.gguf", .. Small]);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("bad.jsonl:2: message 2 (assistant) has weight 0.5", run.Error, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:3: error[json-syntax]", run.Error, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:4: error[missing-messages]", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("bad.jsonl:1", run.Error, StringComparison.Ordinal);

        // the same reader as tailor tune and tailor data: a role it does not know, with the field
        File.WriteAllText(_cli.PathOf("roles.jsonl"), """{"messages":[{"role":"robot","content":"hi"},{"role":"assistant","content":"x"}]}""");
        var roles = await _cli.RunAsync(["model", "finetune", "base.gguf", "--data", "roles.jsonl", "--out", "x.gguf", .. Small]);
        Assert.Equal(ExitCodes.BadInput, roles.ExitCode);
        Assert.Contains("roles.jsonl:1: error[unknown-role] messages[0].role: unknown role \"robot\"", roles.Error, StringComparison.Ordinal);

        // a problem only the trainer sees (a sequence longer than the model's context) comes back from the worker as bad input too
        var context = await _cli.RunAsync(["model", "finetune", "base.gguf", "--data", "qa.jsonl", "--out", "x.gguf", "--steps", "2", "--seq-len", "4096", "--threads", "1"]);
        Assert.Equal(ExitCodes.BadInput, context.ExitCode);
        Assert.Contains("exceeds the model's context length 128", context.Error, StringComparison.Ordinal);
    }

    /// <summary>Whether the running command has reported a step. It writes on another thread, and reading the test
    /// console's buffer meanwhile can tear (StringBuilder is not thread-safe): a torn read counts as "not yet".</summary>
    private static bool SawStep(TestConsole output)
    {
        try
        {
            return output.Output.Contains("\"event\":\"step\"", StringComparison.Ordinal);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Cancelling_exits_130_after_a_checkpoint_and_resume_finishes_the_run()
    {
        await CreateModelAndDataAsync();
        var output = new TestConsole().Width(200);
        var error = new TestConsole().Width(200);
        var env = new CliEnvironment { Out = output, Error = error, WorkingDirectory = _cli.Directory, GetEnvironmentVariable = _ => null };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        string[] args = ["model", "finetune", "base.gguf", "--data", "qa.jsonl", "--out", "c.gguf", "--json", "--steps", "400", "--batch", "2", "--seq-len", "64", "--threads", "1"];
        var watcher = Task.Run(async () =>
        {
            while (!SawStep(output))
            {
                await Task.Delay(20, cancel.Token);
            }

            await cancel.CancelAsync();
        }, TestContext.Current.CancellationToken);

        var exit = await TailorCli.RunAsync(args, env, cancel.Token);
        await watcher;

        Assert.True(exit == 130, output.Output + error.Output);
        var cancelled = JsonDocument.Parse(output.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal("cancelled", cancelled.GetProperty("event").GetString());
        Assert.True(File.Exists(cancelled.GetProperty("checkpointPath").GetString()));

        var resumed = await _cli.RunAsync(["model", "finetune", "base.gguf", "--data", "qa.jsonl", "--out", "c.gguf", "--steps", "400", "--batch", "2", "--seq-len", "64", "--threads", "1", "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming after step", resumed.Error, StringComparison.Ordinal);
    }
}
