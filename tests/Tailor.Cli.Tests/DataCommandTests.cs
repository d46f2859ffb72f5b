using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor data ...</c> run in-process on real files in a temporary project.</summary>
public sealed class DataCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private const string Good = """{"messages":[{"role":"user","content":"How do I reset my password?"},{"role":"assistant","content":"Open Settings, then Security."}],"tags":["answer-billing"]}""";

    private static string Chat(string user, string assistant, string tag = "answer-billing") =>
        JsonSerializer.Serialize(new { messages = new object[] { new { role = "user", content = user }, new { role = "assistant", content = assistant } }, tags = new[] { tag } });

    private void Write(string path, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_cli.PathOf(path))!);
        File.WriteAllText(_cli.PathOf(path), string.Join('\n', lines) + "\n");
    }

    private string[] Lines(string path) => File.ReadAllLines(_cli.PathOf(path));

    private void WriteSpec()
    {
        if (!File.Exists(_cli.PathOf("evals", "smoke.yaml")))
        {
            Write("evals/smoke.yaml", "id: smoke", "cases:", "  - id: hello", "    input: Hello!");
        }
        WriteSpecFile();
    }

    private void WriteSpecFile() => File.WriteAllText(_cli.PathOf("tailor.yaml"), """
        name: demo
        objectives:
          - id: answer-billing
            description: Answer billing questions.
          - id: escalate
            description: Hand off to a human.
        evals:
          suites: [evals/smoke.yaml]
        datasets: [data/train.jsonl]
        """);

    [Fact]
    public async Task Validate_reports_each_bad_line_with_its_rule_and_hint_and_exits_1()
    {
        Write("train.jsonl", Good, "{\"messages\": [", Good.Replace("assistant", "robot", StringComparison.Ordinal));

        var result = await _cli.RunAsync("data", "validate", "train.jsonl");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("train.jsonl: 3 lines, 1 valid, 2 rejected", result.Out, StringComparison.Ordinal);
        Assert.Contains("train.jsonl:2:15: error[json-syntax]", result.Out, StringComparison.Ordinal);
        Assert.Contains("train.jsonl:3: error[unknown-role] messages[1].role: unknown role \"robot\"", result.Out, StringComparison.Ordinal);
        Assert.Contains("use one of system, user, assistant, tool", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_fix_splits_the_file_and_json_reports_the_buckets()
    {
        Write("train.jsonl", Good, "oops", Good, "");

        var result = await _cli.RunAsync("data", "validate", "train.jsonl", "--fix", "--json", "--min-examples", "0");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal(4, file.GetProperty("lines").GetInt64());
        Assert.Equal(2, file.GetProperty("rejected").GetInt64());
        Assert.Equal(2, file.GetProperty("errors_by_bucket").GetProperty("json").GetInt64() + file.GetProperty("errors_by_bucket").GetProperty("encoding").GetInt64());
        Assert.Equal([Good, Good], Lines("train.valid.jsonl"));
        Assert.Equal(["oops", ""], Lines("train.rejected.jsonl"));
        Assert.Equal(2, Lines("train.rejected.reasons.jsonl").Length);

        var clean = await _cli.RunAsync("data", "validate", "train.valid.jsonl", "--min-examples", "0");
        Assert.Equal(0, clean.ExitCode);
    }

    [Fact]
    public async Task Validate_without_files_checks_the_specs_datasets_and_a_missing_file_is_a_usage_error()
    {
        WriteSpec();
        Write("data/train.jsonl", Enumerable.Repeat(Good, 12).ToArray());

        var ok = await _cli.RunAsync("data", "validate");
        var missing = await _cli.RunAsync("data", "validate", "nope.jsonl");
        var badFormat = await _cli.RunAsync("data", "validate", "data/train.jsonl", "--format", "llama");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("data/train.jsonl: 12 lines, 12 valid", ok.Out, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no file at nope.jsonl", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, badFormat.ExitCode);
    }

    [Fact]
    public async Task Convert_writes_the_target_format_and_keeps_unreadable_lines_aside()
    {
        Write("share.jsonl", """{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello!"}]}""", "garbage");

        var result = await _cli.RunAsync("data", "convert", "share.jsonl", "--to", "openai", "-o", "out/openai.jsonl");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"""], Lines("out/openai.jsonl"));
        Assert.Equal(["garbage"], Lines("out/openai.rejected.jsonl"));
        Assert.Contains("share.jsonl:2", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedup_removes_duplicates_to_a_side_file_and_reports_clusters()
    {
        string near = Chat("How do I reset my password on the web console today?", "Open Settings, then Security, then choose Reset password and follow the e-mail link.");
        string nearer = Chat("How do I reset my password on the web console today?", "Open Settings, then Security, then choose Reset password and follow the e-mail link now.");
        Write("train.jsonl", near, Chat("Where are invoices?", "Under Billing."), near.ToUpperInvariant().Replace("\"MESSAGES\"", "\"messages\"", StringComparison.Ordinal).Replace("\"ROLE\"", "\"role\"", StringComparison.Ordinal).Replace("\"CONTENT\"", "\"content\"", StringComparison.Ordinal).Replace("\"USER\"", "\"user\"", StringComparison.Ordinal).Replace("\"ASSISTANT\"", "\"assistant\"", StringComparison.Ordinal).Replace("\"TAGS\"", "\"tags\"", StringComparison.Ordinal), nearer);

        var result = await _cli.RunAsync("data", "dedup", "train.jsonl", "-o", "dedup.jsonl", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(1, json.RootElement.GetProperty("exact_removed").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("near_removed").GetInt64());
        Assert.Equal(2, Lines("dedup.jsonl").Length);
        Assert.Equal(2, Lines("dedup.removed.jsonl").Length);
        Assert.Equal(1, json.RootElement.GetProperty("clusters")[0].GetProperty("kept_line").GetInt64());
    }

    [Fact]
    public async Task Decontaminate_checks_against_the_specs_suites_and_names_the_case()
    {
        WriteSpec();
        Write("evals/smoke.yaml", "id: smoke", "cases:", "  - id: reset", "    input: How do I reset my password?", "    tags: [answer-billing]");
        Write("data/train.jsonl", Good, Chat("Where are invoices?", "Under Billing."));

        var result = await _cli.RunAsync("data", "decontaminate", "data/train.jsonl", "-o", "data/clean.jsonl");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("smoke/reset", result.Out, StringComparison.Ordinal);
        Assert.Contains("evals/smoke.yaml:3", result.Out, StringComparison.Ordinal);
        Assert.Single(Lines("data/clean.jsonl"));
        Assert.Equal([Good], Lines("data/clean.contaminated.jsonl"));
    }

    [Fact]
    public async Task Split_and_mix_write_seeded_files()
    {
        Write("all.jsonl", Enumerable.Range(0, 50).Select(i => Chat($"q{i}", "a", i % 5 == 0 ? "escalate" : "answer-billing")).ToArray());

        var split = await _cli.RunAsync("data", "split", "all.jsonl", "--seed", "7", "--json");
        Assert.True(split.ExitCode == 0, split.ToString());
        Assert.Equal(40 + 5 + 5, Lines("all.train.jsonl").Length + Lines("all.validation.jsonl").Length + Lines("all.test.jsonl").Length);
        Assert.Equal(1, Lines("all.validation.jsonl").Count(l => l.Contains("escalate", StringComparison.Ordinal)));

        var mix = await _cli.RunAsync("data", "mix", "all.train.jsonl:1", "all.test.jsonl:1", "-o", "mix.jsonl", "--json");
        Assert.True(mix.ExitCode == 0, mix.ToString());
        using var json = JsonDocument.Parse(mix.Out);
        Assert.Equal(10, json.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(10, Lines("mix.jsonl").Length);

        var badWeight = await _cli.RunAsync("data", "mix", "all.train.jsonl:0", "-o", "mix2.jsonl");
        Assert.Equal(2, badWeight.ExitCode);
    }

    [Fact]
    public async Task Stats_show_coverage_of_the_specs_ids()
    {
        WriteSpec();
        Write("data/train.jsonl", Enumerable.Range(0, 10).Select(i => Chat($"Billing question number {i} about my card", "Answer")).Append("bad").ToArray());

        var result = await _cli.RunAsync("data", "stats", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(10, json.RootElement.GetProperty("tags").GetProperty("answer-billing").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("unreadable").GetInt64());
        Assert.Contains(json.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("'escalate'", StringComparison.Ordinal));

        var table = await _cli.RunAsync("data", "stats", "--tokens", "--charts", "charts");
        Assert.Contains("answer-billing", table.Out, StringComparison.Ordinal);
        Assert.Contains("tokens per example (o200k_base, estimate)", table.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(_cli.PathOf("charts", "tokens.png")));
        Assert.True(File.Exists(_cli.PathOf("charts", "tags.png")));
        Assert.Contains("no example serves 'escalate'", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_use_an_estimate_without_a_local_model_and_report_truncation_and_epochs()
    {
        Write("train.jsonl", Chat("Hi", "Hello"), Chat(string.Join(' ', Enumerable.Repeat("token", 200)), "ok"));

        var result = await _cli.RunAsync("data", "tokens", "train.jsonl", "--seq-len", "64", "--steps", "10", "--batch", "2", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("o200k_base", root.GetProperty("tokenizer").GetString());
        Assert.True(root.GetProperty("estimate").GetBoolean());
        Assert.Equal(1, root.GetProperty("truncated").GetInt64());
        Assert.Equal(1280, root.GetProperty("training_tokens").GetInt64());
        Assert.Equal(2, root.GetProperty("truncated_lines")[0].GetProperty("line").GetInt64());
    }

    [Fact]
    public async Task Tokens_count_with_the_local_models_own_tokenizer_when_the_spec_names_one()
    {
        File.WriteAllText(_cli.PathOf("corpus.txt"), string.Join('\n', Enumerable.Range(0, 200).Select(i => $"Question {i}: what is the plan number {i}? The plan is {i % 7}.")));
        var created = await _cli.RunAsync("model", "create", "models/tiny.gguf", "--corpus", "corpus.txt", "--vocab", "400", "--embd", "32", "--layers", "1", "--heads", "2", "--context", "128");
        Assert.True(created.ExitCode == 0, created.ToString());
        File.WriteAllText(_cli.PathOf("tailor.yaml"), "name: local\nmodels:\n  tiny:\n    provider: local\n    path: models/tiny.gguf\n");
        Write("train.jsonl", Chat("what is the plan number 3?", "The plan is 3."));

        var result = await _cli.RunAsync("data", "tokens", "train.jsonl", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("models/tiny.gguf", json.RootElement.GetProperty("tokenizer").GetString());
        Assert.False(json.RootElement.GetProperty("estimate").GetBoolean());
        long total = json.RootElement.GetProperty("total_tokens").GetInt64();
        long trained = json.RootElement.GetProperty("trained_tokens").GetInt64();
        Assert.InRange(trained, 1, total - 1);
    }

    [Fact]
    public async Task Export_logs_writes_examples_from_the_store_with_their_interaction_ids()
    {
        File.WriteAllText(_cli.PathOf("tailor.yaml"), "name: demo\n");
        await using (var store = SqliteInteractionStore.Open(_cli.PathOf(".tailor", "tailor.db")))
        {
            foreach (var (id, route, status) in new[] { ("01A", "support", InteractionStatus.Ok), ("01B", "beta", InteractionStatus.Ok), ("01C", "support", InteractionStatus.Error) })
            {
                await store.RecordAsync(new Interaction
                {
                    Id = id,
                    StartedAt = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
                    Source = "gateway",
                    Route = route,
                    ModelId = "m",
                    Request = [new ChatMessage(ChatRole.User, $"question {id}")],
                    Response = status == InteractionStatus.Ok ? [new ChatMessage(ChatRole.Assistant, $"answer {id}")] : [],
                    Status = status,
                }, TestContext.Current.CancellationToken);
            }
            // Feedback as the gateway records it: 01B rated well and corrected, 01A thumbed down.
            var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
            await store.AddFeedbackAsync(new Feedback { Id = "F1", InteractionId = "01B", CreatedAt = at, Score = 5, Correction = "better answer 01B" }, TestContext.Current.CancellationToken);
            await store.AddFeedbackAsync(new Feedback { Id = "F2", InteractionId = "01A", CreatedAt = at, Thumbs = -1 }, TestContext.Current.CancellationToken);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var result = await _cli.RunAsync("data", "export-logs", "-o", "data/logs.jsonl", "--route", "support", "--format", "mistral", "--json");
        var wellRated = await _cli.RunAsync("data", "export-logs", "-o", "data/rated.jsonl", "--min-feedback", "4", "--format", "mistral");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(1, json.RootElement.GetProperty("exported").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("skipped").GetProperty("status").GetInt64());
        var line = Assert.Single(Lines("data/logs.jsonl"));
        Assert.Contains("\"interaction_id\":\"01A\"", line, StringComparison.Ordinal);
        Assert.True(wellRated.ExitCode == 0, wellRated.ToString());
        var rated = Assert.Single(Lines("data/rated.jsonl"));
        Assert.Contains("\"interaction_id\":\"01B\"", rated, StringComparison.Ordinal);
        Assert.Contains("better answer 01B", rated, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_reports_findings_and_redact_writes_a_clean_copy()
    {
        File.WriteAllText(_cli.PathOf("pii.json"), """[{"label": "employee_id", "category": "privacy", "pattern": "EMP-\\d{6}"}]""");
        Write("train.jsonl", Chat("I am EMP-123456, reset my badge", "Done."), Chat("Where are invoices?", "Under Billing."), "not json",
            Chat("Charge card 4111 1111 1111 1111 and mail jane.doe@example.com", "Done."));

        var scan = await _cli.RunAsync("data", "scan", "train.jsonl", "--patterns", "pii.json");
        var redacted = await _cli.RunAsync("data", "scan", "train.jsonl", "--patterns", "pii.json", "--redact", "-o", "clean.jsonl", "--json");
        var builtIn = await _cli.RunAsync("data", "scan", "train.jsonl");

        Assert.Equal(1, scan.ExitCode);
        Assert.Contains("train.jsonl:1: employee_id in messages[0].content at 5", scan.Out, StringComparison.Ordinal);
        Assert.True(redacted.ExitCode == 0, redacted.ToString());
        var lines = Lines("clean.jsonl");
        Assert.Equal(4, lines.Length);
        Assert.Contains("I am [EMPLOYEE_ID], reset my badge", lines[0], StringComparison.Ordinal);
        Assert.Equal(Chat("Where are invoices?", "Under Billing."), lines[1]);
        Assert.Equal("not json", lines[2]);
        Assert.DoesNotContain("4111", lines[3], StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe@example.com", lines[3], StringComparison.Ordinal);
        // The built-in detectors run without any pattern file; the user's own pattern needs one.
        Assert.Equal(1, builtIn.ExitCode);
        Assert.Contains("train.jsonl:4:", builtIn.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("employee_id", builtIn.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_fails_halfway_leaves_no_output_and_keeps_an_existing_one()
    {
        Write("good.jsonl", Chat("q", "a"));
        Write("broken.jsonl", "not json", "also not json");
        Write("mix.jsonl", "previous result");

        var result = await _cli.RunAsync("data", "mix", "good.jsonl", "broken.jsonl", "-o", "mix.jsonl", "--total", "4");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("broken.jsonl has no readable examples", result.Error, StringComparison.Ordinal);
        Assert.Equal(["previous result"], Lines("mix.jsonl"));
        Assert.Empty(Directory.GetFiles(_cli.Directory, "*.partial"));
    }
}
