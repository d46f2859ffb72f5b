using System.Text.Json;
using Tailor.Store;
using Tailor.Store.Sqlite;
using Tailor.Testing;

namespace Tailor.Cli.Tests;

public sealed class InitAndSpecCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_new_project_passes_its_own_spec_check()
    {
        var init = await _cli.RunAsync("init", "demo-app");
        var check = await _cli.RunInAsync(_cli.PathOf("demo-app"), "spec", "check");

        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(_cli.PathOf("demo-app", "tailor.yaml")));
        Assert.True(File.Exists(_cli.PathOf("demo-app", "prompts", "assistant.md")));
        Assert.True(File.Exists(_cli.PathOf("demo-app", "evals", "smoke.yaml")));
        Assert.Contains(".tailor/", File.ReadAllText(_cli.PathOf("demo-app", ".gitignore")), StringComparison.Ordinal);
        Assert.Contains("name: demo-app", File.ReadAllText(_cli.PathOf("demo-app", "tailor.yaml")), StringComparison.Ordinal);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("tailor.yaml is valid", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_project_keeps_the_personal_data_its_policy_redacts_out_of_its_log()
    {
        await using var server = await FakeOpenAIServer.StartAsync(TestContext.Current.CancellationToken);
        await _cli.RunAsync("init", "shop");
        string spec = _cli.PathOf("shop", "tailor.yaml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("http://localhost:11434/v1", $"{server.BaseUrl}", StringComparison.Ordinal));

        var ask = await _cli.RunInAsync(_cli.PathOf("shop"), "ask", "My card is 4111 1111 1111 1111, why was I charged twice?");

        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.DoesNotContain("4111", Assert.Single(server.Requests).Messages[^1].GetProperty("content").GetString(), StringComparison.Ordinal);
        await using var store = SqliteInteractionStore.Open(_cli.PathOf("shop", ".tailor", "tailor.db"));
        var record = await store.QueryAsync(new InteractionQuery()).SingleAsync();
        string logged = Assert.Single(record.Request).Text;
        Assert.DoesNotContain("4111", logged, StringComparison.Ordinal);
        Assert.Contains("why was I charged twice?", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_never_overwrites_files_without_force()
    {
        await _cli.RunAsync("init", "app");
        File.WriteAllText(_cli.PathOf("app", "tailor.yaml"), "name: mine\n");

        var again = await _cli.RunAsync("init", "app");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("not overwriting", again.Error, StringComparison.Ordinal);
        Assert.Equal("name: mine\n", File.ReadAllText(_cli.PathOf("app", "tailor.yaml")));

        var forced = await _cli.RunAsync("init", "app", "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("name: app", File.ReadAllText(_cli.PathOf("app", "tailor.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_refuses_a_name_that_would_break_the_yaml()
    {
        var result = await _cli.RunAsync("init", "app", "--name", "bad: name");

        Assert.Equal(2, result.ExitCode);
        Assert.False(File.Exists(_cli.PathOf("app", "tailor.yaml")));
    }

    [Fact]
    public async Task Spec_check_reports_each_problem_with_file_line_and_column_and_exits_1()
    {
        System.IO.Directory.CreateDirectory(_cli.PathOf("broken"));
        File.WriteAllText(_cli.PathOf("broken", "tailor.yaml"), """
            name: broken
            descripton: typo here
            policies:
              - id: no-medical
                description: No medical advice.
                categories: [medical_advise]
            """);

        var result = await _cli.RunInAsync(_cli.PathOf("broken"), "spec", "check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tailor.yaml:2:1: error:", result.Out, StringComparison.Ordinal);
        Assert.Contains("did you mean 'description'", result.Out, StringComparison.Ordinal);
        Assert.Contains("tailor.yaml:6:18: error:", result.Out, StringComparison.Ordinal);
        Assert.Contains("2 error(s)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spec_check_json_lists_the_diagnostics_for_scripts()
    {
        System.IO.Directory.CreateDirectory(_cli.PathOf("p"));
        File.WriteAllText(_cli.PathOf("p", "tailor.yaml"), "name: p\nobjectives:\n  - description: no id\n");

        var result = await _cli.RunInAsync(_cli.PathOf("p"), "spec", "check", "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var diagnostic = json.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("error", diagnostic.GetProperty("severity").GetString());
        Assert.Equal(3, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal("objectives[0].id", diagnostic.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Commands_find_tailor_yaml_upward_or_through_project()
    {
        await _cli.RunAsync("init", "app");
        System.IO.Directory.CreateDirectory(_cli.PathOf("app", "deep", "er"));

        var fromBelow = await _cli.RunInAsync(_cli.PathOf("app", "deep", "er"), "spec", "check");
        var fromOption = await _cli.RunAsync("spec", "check", "--project", "app");
        var fromFile = await _cli.RunAsync("spec", "check", "-p", Path.Combine("app", "tailor.yaml"));

        Assert.Equal(0, fromBelow.ExitCode);
        Assert.Equal(0, fromOption.ExitCode);
        Assert.Equal(0, fromFile.ExitCode);
    }

    [Fact]
    public async Task Without_a_project_commands_say_how_to_make_one_and_exit_2()
    {
        var result = await _cli.RunAsync("spec", "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no tailor.yaml", result.Error, StringComparison.Ordinal);
        Assert.Contains("tailor init", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_usage_exits_2()
    {
        var unknownOption = await _cli.RunAsync("spec", "check", "--frobnicate");
        var unknownCommand = await _cli.RunAsync("launch");

        Assert.Equal(2, unknownOption.ExitCode);
        Assert.Equal(2, unknownCommand.ExitCode);
        Assert.Contains("--frobnicate", unknownOption.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coverage_shows_what_names_each_clause_and_can_require_full_coverage()
    {
        await _cli.RunAsync("init", "app");
        var dir = _cli.PathOf("app");

        var table = await _cli.RunInAsync(dir, "spec", "coverage");
        var json = await _cli.RunInAsync(dir, "spec", "coverage", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("answer-questions", table.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Out);
        var clauses = doc.RootElement.GetProperty("clauses").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Equal(1, clauses["answer-questions"].GetProperty("cases").GetArrayLength());
        Assert.Equal(4, clauses["protect-personal-data"].GetProperty("moderation_rules").GetArrayLength());

        // Take the only case of 'escalate' away: it is no longer covered.
        string suite = Path.Combine(dir, "evals", "smoke.yaml");
        File.WriteAllText(suite, File.ReadAllText(suite).Replace("tags: [escalate]", "tags: [answer-questions]", StringComparison.Ordinal));
        var strict = await _cli.RunInAsync(dir, "spec", "coverage", "--require-full");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("not covered: escalate", strict.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coverage_counts_the_rows_of_case_files_and_names_unknown_ids_once_per_file()
    {
        await _cli.RunAsync("init", "app");
        var dir = _cli.PathOf("app");
        string suite = Path.Combine(dir, "evals", "smoke.yaml");
        File.WriteAllText(suite, File.ReadAllText(suite) + "cases_from: [more.jsonl, more.csv]\n");
        File.WriteAllLines(Path.Combine(dir, "evals", "more.jsonl"),
        [
            """{"id": "j1", "input": "Where is my invoice?", "expected": "account", "tags": ["answer-questions"]}""",
            """{"id": "j2", "input": "Who are you?", "expected": "assistant", "tags": ["answer-questoins"]}""",
            """{"id": "j3", "input": "And you?", "expected": "assistant", "tags": ["answer-questoins", "escalate"]}""",
        ]);
        File.WriteAllLines(Path.Combine(dir, "evals", "more.csv"), ["id,input,expected,tags", "c1,Call me,human,escalate;answer-questions"]);

        var json = await _cli.RunInAsync(dir, "spec", "coverage", "--json");
        var table = await _cli.RunInAsync(dir, "spec", "coverage");

        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var clauses = doc.RootElement.GetProperty("clauses").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        var answer = clauses["answer-questions"].GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(3, answer.Count); // greeting, j1, c1
        Assert.Contains(answer, c => c.GetProperty("case").GetString() == "c1" && c.GetProperty("file").GetString() == "evals/more.csv");
        Assert.Equal(3, clauses["escalate"].GetProperty("cases").GetArrayLength()); // unknown-question, j3, c1
        var suites = doc.RootElement.GetProperty("suites").EnumerateArray().ToList();
        Assert.Equal(8, Assert.Single(suites).GetProperty("cases").GetInt32());
        // The misspelt id: one warning for the file, with the count, the first row's line and a did-you-mean.
        Assert.Contains("unknown id 'answer-questoins' in 2 cases", table.Error, StringComparison.Ordinal);
        Assert.Contains("more.jsonl:2", table.Error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'answer-questions'?", table.Error, StringComparison.Ordinal);
    }
}
