using System.Text.Json;

namespace Tailor.Cli.Tests;

/// <summary>
/// A small project for the <c>tailor tune</c> and <c>tailor models</c> tests: a spec with a local base model, an alias to
/// promote into and a remote one, eight question/answer examples, and a tiny base GGUF made with <c>tailor model create</c>.
/// </summary>
internal static class TuneProject
{
    public const string Spec = """
        name: tune-cli
        models:
          base:
            provider: local
            path: models/base.gguf
          candidate:
            # the tuned model goes here
            provider: local
            path: models/candidate.gguf   # written later
            options: {temperature: 0, max_tokens: 16}
          remote:
            provider: mistral
            model: open-mistral-7b
        datasets:
          - data/train.jsonl
        """;

    private static readonly string[] Words = ["ember", "harbor", "violet", "canyon", "pepper", "meadow", "silver", "thunder"];

    /// <summary>Steps, batch, sequence length, threads and rate for a run of a few steps.</summary>
    public static string[] Small => ["--steps", "6", "--batch", "2", "--seq-len", "64", "--threads", "1", "--lr", "0.005"];

    public static async Task CreateAsync(CliRunner cli)
    {
        File.WriteAllText(cli.PathOf("tailor.yaml"), Spec + "\n");
        Directory.CreateDirectory(cli.PathOf("data"));
        File.WriteAllLines(cli.PathOf("data", "train.jsonl"), Words.Select((w, i) => JsonSerializer.Serialize(new
        {
            messages = new object[] { new { role = "user", content = $"What is the code of {w}?" }, new { role = "assistant", content = $"{w} is {100 + i * 7}" } },
        })));
        var created = await cli.RunAsync("model", "create", "models/base.gguf", "--corpus", "data/train.jsonl",
            "--vocab", "300", "--embd", "32", "--layers", "1", "--heads", "2", "--context", "128");
        Assert.True(created.ExitCode == 0, created.ToString());
    }

    /// <summary>Starts a local job of <see cref="Small"/> steps, follows it to the end, and returns its JSON.</summary>
    public static async Task<JsonElement> TuneAsync(CliRunner cli, params string[] more)
    {
        var run = await cli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", .. Small, "--watch", "--interval", "50ms", "--json", .. more]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var job = Json(run);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        return job;
    }

    public static JsonElement Json(CliResult result)
    {
        Assert.True(result.Out.TrimStart().StartsWith('{') || result.Out.TrimStart().StartsWith('['), result.ToString());
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }
}
