using System.Security.Cryptography;
using System.Text.Json;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor tune start|status|list|logs|cancel|resume</c> on the local backend: the real trainer in its detached worker on
/// a tiny model made in the test, a real SQLite store.
/// </summary>
public sealed class TuneCommandTests : IAsyncLifetime
{
    private readonly CliRunner _cli = new();

    public ValueTask InitializeAsync() => new(TuneProject.CreateAsync(_cli));

    public ValueTask DisposeAsync()
    {
        _cli.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Start_checks_the_data_trains_on_this_machine_and_registers_the_model_with_its_lineage()
    {
        // no --train: the spec's datasets; --base: a model alias
        var start = await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", .. TuneProject.Small, "--watch", "--interval", "50ms"]);

        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("data/train.jsonl: 8 lines, 8 usable, 0 rejected: ok", start.Error, StringComparison.Ordinal);
        Assert.Contains("status succeeded", start.Error, StringComparison.Ordinal);
        Assert.Contains("step 6/6  loss", start.Error, StringComparison.Ordinal);
        Assert.Contains("succeeded (completed)", start.Out, StringComparison.Ordinal);
        Assert.Contains("training loss", start.Out, StringComparison.Ordinal); // the loss chart
        Assert.Contains("next: tailor models promote <alias>", start.Out, StringComparison.Ordinal);

        var jobs = TuneProject.Json(await _cli.RunAsync("tune", "list", "--json"));
        var job = Assert.Single(jobs.EnumerateArray());
        string id = job.GetProperty("id").GetString()!;
        string model = job.GetProperty("model_id").GetString()!;
        Assert.Equal(("succeeded", "local", "base"), (job.GetProperty("status").GetString(), job.GetProperty("backend").GetString(), job.GetProperty("base_model").GetString()));
        Assert.StartsWith("base-", model, StringComparison.Ordinal);

        // status by a prefix of the id, and by default the latest job
        var status = TuneProject.Json(await _cli.RunAsync("tune", "status", id[..10], "--json"));
        Assert.Equal(id, status.GetProperty("id").GetString());
        Assert.Equal((6, 6), (status.GetProperty("step").GetInt32(), status.GetProperty("total_steps").GetInt32()));
        Assert.Contains(id, (await _cli.RunAsync("tune", "status")).Out, StringComparison.Ordinal);
        Assert.Contains(id, (await _cli.RunAsync("tune", "list")).Out, StringComparison.Ordinal);

        var logs = await _cli.RunAsync("tune", "logs", id);
        Assert.Contains("job created on local: 8 training examples", logs.Out, StringComparison.Ordinal);
        Assert.Contains("training completed: 6 steps", logs.Out, StringComparison.Ordinal);
        Assert.Contains($"registered model {model}", logs.Out, StringComparison.Ordinal);
        var events = (await _cli.RunAsync("tune", "logs", id, "--json")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "checkpoint");

        // the registry: lineage with the data's hash and counts, the settings, the job and what training measured
        var listed = Assert.Single(TuneProject.Json(await _cli.RunAsync("models", "list", "--json")).EnumerateArray());
        Assert.Equal((model, "gguf", "tuned"), (listed.GetProperty("id").GetString(), listed.GetProperty("kind").GetString(), listed.GetProperty("source").GetString()));
        var shown = TuneProject.Json(await _cli.RunAsync("models", "show", model, "--json")).GetProperty("model");
        var lineage = shown.GetProperty("lineage");
        var data = Assert.Single(lineage.GetProperty("datasets").EnumerateArray());
        Assert.Equal("data/train.jsonl", data.GetProperty("path").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_cli.PathOf("data", "train.jsonl")))), data.GetProperty("sha256").GetString());
        Assert.Equal((8, 0), (data.GetProperty("examples").GetInt32(), data.GetProperty("rejected").GetInt32()));
        Assert.Equal(("models/base.gguf", "local", id), (lineage.GetProperty("base_reference").GetString(), lineage.GetProperty("backend").GetString(), lineage.GetProperty("job_id").GetString()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_cli.PathOf("models", "base.gguf")))), lineage.GetProperty("base_sha256").GetString());
        Assert.Equal(6, lineage.GetProperty("hyperparameters").GetProperty("steps").GetInt32());
        Assert.Equal(6, lineage.GetProperty("metrics").GetProperty("steps").GetInt32());
        Assert.True(lineage.GetProperty("metrics").GetProperty("train_loss").GetDouble() > 0);
        Assert.Equal($".tailor/tuning/{id}/model.gguf", shown.GetProperty("reference").GetString());
        var text = await _cli.RunAsync("models", "show", model[..6]);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"tuned on local, job {id}", text.Out, StringComparison.Ordinal);
        Assert.Contains("steps 6, learning_rate 0.005", text.Out, StringComparison.Ordinal);
        Assert.Contains("data/train.jsonl", text.Out, StringComparison.Ordinal);
        Assert.Contains("no alias", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_repeats_a_recipe_of_a_job_or_a_model_with_the_settings_given_in_its_place()
    {
        var first = await TuneProject.TuneAsync(_cli, "--suffix", "qa");
        string id = first.GetProperty("id").GetString()!;
        File.AppendAllText(_cli.PathOf("data", "train.jsonl"), File.ReadAllLines(_cli.PathOf("data", "train.jsonl"))[0].Replace("ember", "orchid", StringComparison.Ordinal) + "\n");

        var again = await _cli.RunAsync("tune", "start", "--from", id, "--steps", "4", "--watch", "--interval", "50ms", "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("note: data/train.jsonl changed since the recipe's run", again.Error, StringComparison.Ordinal);
        var job = TuneProject.Json(again);
        Assert.NotEqual(id, job.GetProperty("id").GetString());
        Assert.Equal(("local", "base"), (job.GetProperty("backend").GetString(), job.GetProperty("base_model").GetString()));
        var settings = job.GetProperty("hyperparameters");
        Assert.Equal((4, 0.005, 64), (settings.GetProperty("steps").GetInt32(), settings.GetProperty("learning_rate").GetDouble(), settings.GetProperty("sequence_length").GetInt32()));
        Assert.Equal(9, Assert.Single(job.GetProperty("data").EnumerateArray()).GetProperty("examples").GetInt32());
        Assert.StartsWith("qa-", job.GetProperty("model_id").GetString(), StringComparison.Ordinal);

        // a registered model names the job that made it
        var byModel = await _cli.RunAsync("tune", "start", "--from", first.GetProperty("model_id").GetString()!, "--dry-run", "--json");
        Assert.True(byModel.ExitCode == 0, byModel.ToString());
        Assert.Equal(6, TuneProject.Json(byModel).GetProperty("steps").GetInt32());
        var none = await _cli.RunAsync("tune", "start", "--from", "nothing", "--dry-run");
        Assert.Equal(ExitCodes.BadInput, none.ExitCode);
        Assert.Contains("--from: no tuning job 'nothing', nor a registered model", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pre_flight_errors_block_the_job_with_exit_1_naming_file_and_line_unless_forced()
    {
        string good = File.ReadAllLines(_cli.PathOf("data", "train.jsonl"))[0];
        File.WriteAllLines(_cli.PathOf("data", "bad.jsonl"), [good, good.Replace("ember", "harbor", StringComparison.Ordinal), "not json", """{"messages": [{"role": "user", "content": "hi"}]}"""]);

        var blocked = await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "models/base.gguf", "--train", "data/bad.jsonl", .. TuneProject.Small]);

        Assert.Equal(ExitCodes.CheckFailed, blocked.ExitCode);
        Assert.Contains("data/bad.jsonl: 4 lines, 2 usable, 2 rejected: errors", blocked.Error, StringComparison.Ordinal);
        Assert.Contains("data/bad.jsonl:3:2: error[json-syntax]", blocked.Error, StringComparison.Ordinal);
        Assert.Contains("data/bad.jsonl:4: error[last-role] messages[0].role: the last message is from the user", blocked.Error, StringComparison.Ordinal);
        Assert.Contains("pre-flight found errors in the data, so the job was not started", blocked.Error, StringComparison.Ordinal);
        Assert.Contains("no tuning jobs", (await _cli.RunAsync("tune", "list")).Out, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cli.PathOf(".tailor", "tuning")));

        var json = TuneProject.Json(await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", "--train", "data/bad.jsonl", "--json", .. TuneProject.Small]));
        Assert.False(json.GetProperty("started").GetBoolean());
        var file = Assert.Single(json.GetProperty("preflight").GetProperty("files").EnumerateArray());
        Assert.Contains(file.GetProperty("problems").EnumerateArray(), p => p.GetProperty("line").GetInt64() == 3 && p.GetProperty("severity").GetString() == "error");

        var forced = await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", "--train", "data/bad.jsonl", "--force", "--json", .. TuneProject.Small]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("errors, left out (--force)", forced.Error, StringComparison.Ordinal);
        var data = Assert.Single(TuneProject.Json(forced).GetProperty("data").EnumerateArray());
        Assert.Equal((2, 2), (data.GetProperty("examples").GetInt32(), data.GetProperty("rejected").GetInt32()));
        await _cli.RunAsync("tune", "status", "--watch", "--interval", "50ms");
    }

    [Fact]
    public async Task A_dry_run_prints_the_estimate_and_starts_nothing()
    {
        var dry = await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", "--dry-run", .. TuneProject.Small]);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("runs on this machine at no charge", dry.Out, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing was started", dry.Out, StringComparison.Ordinal);
        var json = TuneProject.Json(await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", "--dry-run", "--json", .. TuneProject.Small]));
        Assert.Equal(6, json.GetProperty("steps").GetInt32());
        Assert.True(json.GetProperty("estimate").GetProperty("duration_seconds").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("estimate").GetProperty("cost").ValueKind);
        Assert.Equal(8, json.GetProperty("preflight").GetProperty("tokens").GetProperty("examples").GetInt32());
        Assert.Contains("no tuning jobs", (await _cli.RunAsync("tune", "list")).Out, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cli.PathOf(".tailor", "tuning")));
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_a_message_that_names_the_option_file_or_id()
    {
        async Task Expect(string message, params string[] args)
        {
            var run = await _cli.RunAsync(args);
            Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
        }

        string[] start = ["tune", "start", "--backend", "local", "--base", "base", .. TuneProject.Small];
        await Expect("--backend is required", "tune", "start", "--base", "base");
        await Expect("--base is required", "tune", "start", "--backend", "local");
        await Expect("pass --base one of the aliases base, candidate", "tune", "start", "--backend", "local");
        await Expect("model 'remote' is served by mistral; the local trainer starts from a GGUF file", "tune", "start", "--backend", "local", "--base", "remote");
        await Expect("model 'candidate' points at models/candidate.gguf, which does not exist yet", "tune", "start", "--backend", "local", "--base", "candidate");
        await Expect("'nothing.gguf' is neither a model alias of tailor.yaml nor a file", "tune", "start", "--backend", "local", "--base", "nothing.gguf");
        await Expect("--train: no file at data/missing.jsonl", [.. start, "--train", "data/missing.jsonl"]);
        await Expect("--train data/train.jsonl:0: the weight must be a positive number", [.. start, "--train", "data/train.jsonl:0"]);
        await Expect("the local trainer takes no per-file weights", [.. start, "--train", "data/train.jsonl:2"]);
        await Expect("--steps must be at least 1", "tune", "start", "--backend", "local", "--base", "base", "--steps", "0");
        await Expect("--lr-multiplier is OpenAI's; the local trainer takes --lr", [.. start, "--lr-multiplier", "2"]);
        await Expect("MISTRAL_API_KEY is not set: the mistral backend needs an API key", "tune", "start", "--backend", "mistral", "--base", "remote", "--steps", "5");
        await Expect("model 'base' is served by local, not by mistral", "tune", "start", "--backend", "mistral", "--base", "base", "--steps", "5");
        await Expect("--interval: 'soon' is not an interval", [.. start, "--watch", "--interval", "soon"]);
        await Expect("Argument 'foo' not recognized", "tune", "start", "--backend", "foo", "--base", "base");
        await Expect("no tuning jobs yet", "tune", "status");
        foreach (string verb in new[] { "status", "logs", "cancel", "resume" })
        {
            await Expect("no tuning job 'nope'", "tune", verb, "nope");
        }

        await Expect("--status: unknown status 'done'", "tune", "list", "--status", "done");
        await Expect("no model 'nope' in the registry", "models", "show", "nope");
        await Expect("no model 'nope' in the registry", "models", "promote", "candidate", "nope");
        await Expect("nothing to roll back: 'candidate' has no promotion in place", "models", "rollback", "candidate");
        Assert.Empty(Directory.Exists(_cli.PathOf(".tailor", "tuning")) ? Directory.EnumerateFileSystemEntries(_cli.PathOf(".tailor", "tuning")) : []);
    }

    [Fact]
    public async Task Cancel_stops_a_local_job_after_a_checkpoint_and_resume_continues_it()
    {
        var started = await _cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", "--steps", "100000", "--batch", "2", "--seq-len", "64",
            "--threads", "1", "--lr", "0.005", "--checkpoint-every", "2", "--json"]);
        Assert.True(started.ExitCode == 0, started.ToString());
        string id = TuneProject.Json(started).GetProperty("id").GetString()!;
        await UntilStepAsync(id, 3);
        var again = await _cli.RunAsync("tune", "resume", id);
        Assert.Equal(ExitCodes.BadInput, again.ExitCode);
        Assert.Contains("not stopped", again.Error, StringComparison.Ordinal);

        var cancel = await _cli.RunAsync("tune", "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains($"cancellation requested: {id} is", cancel.Out, StringComparison.Ordinal);
        var stopped = await _cli.RunAsync("tune", "status", id, "--watch", "--interval", "50ms");
        Assert.Equal(ExitCodes.CheckFailed, stopped.ExitCode); // the watched job did not succeed
        Assert.Contains("cancelled (cancelled)", stopped.Out, StringComparison.Ordinal);
        Assert.Contains("'tailor tune resume' continues from its checkpoint", stopped.Out, StringComparison.Ordinal);
        var twice = await _cli.RunAsync("tune", "cancel", id);
        Assert.Equal(ExitCodes.BadInput, twice.ExitCode);
        Assert.Contains("is already cancelled", twice.Error, StringComparison.Ordinal);

        var resumed = TuneProject.Json(await _cli.RunAsync("tune", "resume", id, "--json"));
        Assert.Contains(resumed.GetProperty("status").GetString(), new[] { "queued", "running" });
        int step = resumed.GetProperty("step").GetInt32();
        await UntilStepAsync(id, step + 2);
        Assert.Contains("worker resumed (attempt 2", (await _cli.RunAsync("tune", "logs", id)).Out, StringComparison.Ordinal);

        Assert.Equal(0, (await _cli.RunAsync("tune", "cancel", id)).ExitCode);
        var end = TuneProject.Json(await _cli.RunAsync("tune", "status", id, "--watch", "--interval", "50ms", "--json"));
        Assert.Equal("cancelled", end.GetProperty("status").GetString());
    }

    private async Task UntilStepAsync(string id, int step)
    {
        while (true)
        {
            var job = TuneProject.Json(await _cli.RunAsync("tune", "status", id, "--json"));
            Assert.DoesNotContain(job.GetProperty("status").GetString(), new[] { "failed", "succeeded", "interrupted" });
            if (job.GetProperty("step").ValueKind == JsonValueKind.Number && job.GetProperty("step").GetInt32() >= step)
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
