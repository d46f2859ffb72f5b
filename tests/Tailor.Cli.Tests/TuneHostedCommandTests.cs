using System.Text.Json;
using Tailor.Testing;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor tune</c> on the hosted backends, against fakes that follow Mistral's and OpenAI's documented fine-tuning
/// contracts over real HTTP: the job lifecycle from the command line, dry runs, vendor refusals, and the fine-tuned model
/// promoted into tailor.yaml.
/// </summary>
public sealed class TuneHostedCommandTests : IAsyncLifetime
{
    private const string Key = "test-key-123";
    private readonly CliRunner _cli = new();
    private FakeMistralFineTuningServer _mistral = null!;
    private FakeOpenAIFineTuningServer _openai = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _mistral = await FakeMistralFineTuningServer.StartAsync(Ct);
        _openai = await FakeOpenAIFineTuningServer.StartAsync(Ct);
        _mistral.RequiredApiKey = Key;
        _openai.RequiredApiKey = Key;
        _cli.WithVariable("MISTRAL_API_KEY", Key).WithVariable("OPENAI_API_KEY", Key);
        File.WriteAllText(_cli.PathOf("tailor.yaml"), $"""
            name: tune-hosted
            models:
              small:
                provider: mistral
                model: open-mistral-7b
                base_url: {_mistral.BaseUrl}
              candidate:
                provider: local
                path: models/candidate.gguf
            """);
        Directory.CreateDirectory(_cli.PathOf("data"));
        WriteChats("data/train.jsonl", 12, "billing");
        WriteChats("data/extra.jsonl", 4, "accounts");
        WriteChats("data/valid.jsonl", 3, "refunds");
    }

    public async ValueTask DisposeAsync()
    {
        await _mistral.DisposeAsync();
        await _openai.DisposeAsync();
        _cli.Dispose();
    }

    private void WriteChats(string path, int count, string topic) =>
        File.WriteAllLines(_cli.PathOf(path), Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "user", content = $"Question {i} about {topic}: how do I change plan {i}?" },
                new { role = "assistant", content = $"Open Billing, choose plan {i} and confirm." },
            },
        })));

    private static readonly string[] MistralJob =
        ["tune", "start", "--backend", "mistral", "--base", "small", "--train", "data/train.jsonl:2", "--train", "data/extra.jsonl", "--valid", "data/valid.jsonl",
         "--steps", "10", "--lr", "0.0001", "--suffix", "support"];

    [Fact]
    public async Task A_mistral_job_runs_from_the_command_line_and_its_fine_tuned_model_is_promoted()
    {
        var run = await _cli.RunAsync([.. MistralJob, "--watch", "--interval", "10ms", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("status validating", run.Error, StringComparison.Ordinal);
        Assert.Contains("status-updated: SUCCESS", run.Error, StringComparison.Ordinal);
        var job = TuneProject.Json(run);
        Assert.Equal(("succeeded", "SUCCESS"), (job.GetProperty("status").GetString(), job.GetProperty("vendor_status").GetString()));
        var body = _mistral.Requests.Single(r => r.Method == "POST" && r.Path == "/v1/fine_tuning/jobs").Json!.Value;
        Assert.Equal([2.0, 1.0], body.GetProperty("training_files").EnumerateArray().Select(f => f.GetProperty("weight").GetDouble()));
        Assert.Equal(10, body.GetProperty("hyperparameters").GetProperty("training_steps").GetInt32());
        Assert.Equal("support", body.GetProperty("suffix").GetString());

        string model = job.GetProperty("model_id").GetString()!;
        Assert.StartsWith("support-", model, StringComparison.Ordinal);
        var shown = TuneProject.Json(await _cli.RunAsync("models", "show", model, "--json")).GetProperty("model");
        Assert.Equal(("hosted", "mistral"), (shown.GetProperty("kind").GetString(), shown.GetProperty("provider").GetString()));
        Assert.Equal(3, shown.GetProperty("lineage").GetProperty("datasets").GetArrayLength());
        Assert.Equal(0.75, shown.GetProperty("lineage").GetProperty("metrics").GetProperty("train_loss").GetDouble());

        var promoted = await _cli.RunAsync("models", "promote", "candidate", model);
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        string spec = File.ReadAllText(_cli.PathOf("tailor.yaml"));
        Assert.Contains($"    provider: mistral\n", spec.Split("candidate:")[1], StringComparison.Ordinal);
        Assert.Contains($"    model: {_mistral.Jobs.Single().FineTunedModel}\n", spec, StringComparison.Ordinal);
        Assert.Contains($"    base_url: {_mistral.BaseUrl.AbsoluteUri}\n", spec.Split("candidate:")[1], StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("spec", "check")).ExitCode);
    }

    [Fact]
    public async Task A_dry_run_prints_mistrals_own_estimate_and_leaves_nothing_there()
    {
        var dry = await _cli.RunAsync([.. MistralJob, "--dry-run"]);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("4.00 USD (Mistral's own dry run of this job)", dry.Out, StringComparison.Ordinal);
        Assert.Contains("Mistral marks this fine-tuning API as deprecated", dry.Out, StringComparison.Ordinal);
        Assert.Empty(_mistral.Jobs);
        Assert.Empty(_mistral.Files);
        Assert.Contains("no tuning jobs", (await _cli.RunAsync("tune", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_validated_without_auto_start_waits_and_resume_trains_it()
    {
        var waiting = await _cli.RunAsync([.. MistralJob, "--no-auto-start", "--watch", "--interval", "10ms"]);

        Assert.True(waiting.ExitCode == 0, waiting.ToString());
        Assert.Contains("validated", waiting.Out, StringComparison.Ordinal);
        Assert.Contains("next: tailor tune resume", waiting.Out, StringComparison.Ordinal);
        var done = TuneProject.Json(await _cli.RunAsync("tune", "resume", "--watch", "--interval", "10ms", "--json"));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Contains(_mistral.Requests, r => r.Method == "POST" && r.Path.EndsWith("/start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Vendor_refusals_and_settings_a_vendor_does_not_take_exit_2_with_the_vendors_words()
    {
        _mistral.RequiredApiKey = "another-key";
        var refused = await _cli.RunAsync(MistralJob);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("$MISTRAL_API_KEY", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, refused.Out + refused.Error, StringComparison.Ordinal);
        Assert.Equal("failed", Assert.Single(TuneProject.Json(await _cli.RunAsync("tune", "list", "--json")).EnumerateArray()).GetProperty("status").GetString());

        _mistral.RequiredApiKey = Key;
        var unknown = await _cli.RunAsync("tune", "start", "--backend", "mistral", "--base", "open-mistral-99b", "--base-url", _mistral.BaseUrl.AbsoluteUri,
            "--train", "data/train.jsonl", "--steps", "5");
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("Model not available for this type of fine-tuning", unknown.Error, StringComparison.Ordinal);

        var batch = await _cli.RunAsync([.. MistralJob, "--batch", "4"]);
        Assert.Equal(ExitCodes.BadInput, batch.ExitCode);
        Assert.Contains("--batch is not a Mistral fine-tuning setting", batch.Error, StringComparison.Ordinal);

        var steps = await _cli.RunAsync("tune", "start", "--backend", "openai", "--base", "gpt-4o-mini-2024-07-18", "--base-url", _openai.BaseUrl.AbsoluteUri,
            "--train", "data/train.jsonl", "--steps", "5");
        Assert.Equal(ExitCodes.BadInput, steps.ExitCode);
        Assert.Contains("--steps is not an OpenAI setting: OpenAI trains whole epochs (--epochs)", steps.Error, StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task An_openai_job_follows_openais_statuses_to_a_registered_model()
    {
        var run = await _cli.RunAsync("tune", "start", "--backend", "openai", "--base", "gpt-4o-mini-2024-07-18", "--base-url", _openai.BaseUrl.AbsoluteUri,
            "--train", "data/train.jsonl", "--valid", "data/valid.jsonl", "--epochs", "2", "--seed", "7", "--watch", "--interval", "10ms", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var job = TuneProject.Json(run);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.StartsWith("ftjob-", job.GetProperty("external_id").GetString(), StringComparison.Ordinal);
        var body = _openai.Requests.Single(r => r.Method == "POST" && r.Path == "/v1/fine_tuning/jobs").Json!.Value;
        Assert.Equal("gpt-4o-mini-2024-07-18", body.GetProperty("model").GetString());
        var model = TuneProject.Json(await _cli.RunAsync("models", "show", job.GetProperty("model_id").GetString()!, "--json")).GetProperty("model");
        // a fine-tuning API at another address than OpenAI's serves its models there too: openai-compatible, with that base_url
        Assert.Equal(("hosted", "openai-compatible", _openai.Jobs.Single().FineTunedModel), (model.GetProperty("kind").GetString(), model.GetProperty("provider").GetString(), model.GetProperty("reference").GetString()));
        var logs = await _cli.RunAsync("tune", "logs", job.GetProperty("id").GetString()!);
        Assert.Contains("job created on openai: 12 training examples", logs.Out, StringComparison.Ordinal);

        // OpenAI has no dry-run endpoint: the estimate is made here, from the price list, and needs no key
        _cli.WithVariable("OPENAI_API_KEY", null);
        var dry = TuneProject.Json(await _cli.RunAsync("tune", "start", "--backend", "openai", "--base", "gpt-4o-mini-2024-07-18", "--train", "data/train.jsonl",
            "--epochs", "3", "--dry-run", "--json"));
        Assert.Equal(("USD", 3.0), (dry.GetProperty("estimate").GetProperty("currency").GetString(), dry.GetProperty("epochs").GetDouble()));
        Assert.Contains("at $3.00/M for gpt-4o-mini-2024-07-18", dry.GetProperty("estimate").GetProperty("basis").GetString(), StringComparison.Ordinal);
    }
}
