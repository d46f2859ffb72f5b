using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Tailor.Testing;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor eval run|compare|gate|report|list|ratings</c> on a real project against a fake OpenAI-compatible server.</summary>
public sealed class EvalCommandTests : IAsyncLifetime
{
    private readonly CliRunner _cli = new();
    private FakeOpenAIServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync(Ct);
        // The candidate answers the billing questions wrongly; every other answer is the echo the suite expects.
        _server.Responder = r => r.Model == "cand-model" && r.LastUserText!.Contains("invoice", StringComparison.Ordinal) ? FakeReply.Text("No idea.") : null;
        Directory.CreateDirectory(_cli.PathOf("evals"));
        File.WriteAllText(_cli.PathOf("tailor.yaml"), $"""
            name: eval-cli
            objectives:
              - id: billing
                description: Answer billing questions.
              - id: general
                description: Answer anything else.
            models:
              baseline:
                provider: openai-compatible
                base_url: {_server.BaseUrl}
                model: base-model
                options:
                  max_retries: 0
              candidate:
                provider: openai-compatible
                base_url: {_server.BaseUrl}
                model: cand-model
                options:
                  max_retries: 0
            defaults:
              model: baseline
            evals:
              suites: [evals/smoke.yaml]
            gates:
              - id: quality
                suite: smoke
                metric: accuracy
                min: 0.9
              - id: candidate-not-worse
                suite: smoke
                metric: accuracy
                compare:
                  baseline: baseline
                  candidate: candidate
                  margin: 0.02
            """);
        var suite = new StringBuilder("id: smoke\ncases:\n");
        for (int i = 0; i < 30; i++)
        {
            string topic = i % 3 == 0 ? "invoice" : "weather";
            suite.Append($"  - id: c{i:D2}\n    input: {topic} question {i}\n    expected: \"echo: {topic} question {i}\"\n    tags: [{(i % 3 == 0 ? "billing" : "general")}]\n");
        }

        File.WriteAllText(_cli.PathOf("evals", "smoke.yaml"), suite.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _cli.Dispose();
    }

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.Out.TrimStart().StartsWith('{') || result.Out.TrimStart().StartsWith('['), result.ToString());
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    [Fact]
    public async Task Run_stores_the_results_prints_json_and_writes_ci_reports()
    {
        var run = await _cli.RunAsync("eval", "run", "--json", "--junit", "out/junit.xml", "--markdown", "out/summary.md", "--html", "out/report.html");

        Assert.Equal(0, run.ExitCode);
        var report = Json(run);
        var stored = report.GetProperty("runs")[0];
        Assert.Equal("smoke", stored.GetProperty("suite").GetString());
        Assert.Equal("baseline", stored.GetProperty("model").GetString());
        Assert.Equal(30, stored.GetProperty("passed").GetInt32());
        Assert.Equal(30, _server.Requests.Count);

        var junit = XDocument.Load(_cli.PathOf("out", "junit.xml"));
        var suiteElement = junit.Root!.Element("testsuite")!;
        Assert.Equal("30", suiteElement.Attribute("tests")!.Value);
        Assert.Equal(30, suiteElement.Elements("testcase").Count());
        Assert.Contains("| accuracy | 1 |", File.ReadAllText(_cli.PathOf("out", "summary.md")), StringComparison.Ordinal);
        string html = File.ReadAllText(_cli.PathOf("out", "report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gate_that_must_fail_fails_with_exit_code_1()
    {
        Assert.Equal(0, (await _cli.RunAsync("eval", "run", "--model", "baseline")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("eval", "run", "--model", "candidate")).ExitCode);

        var gate = await _cli.RunAsync("eval", "gate", "--model", "candidate", "--junit", "gates.xml");

        Assert.Equal(1, gate.ExitCode);
        Assert.Contains("candidate-not-worse", gate.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL", gate.Out, StringComparison.Ordinal);
        Assert.Contains("2 of 2 gates failed", gate.Out, StringComparison.Ordinal);
        var failures = XDocument.Load(_cli.PathOf("gates.xml")).Descendants("failure").Count();
        Assert.Equal(2, failures);

        var json = Json(await _cli.RunAsync("eval", "gate", "--model", "candidate", "--json"));
        var notWorse = json.GetProperty("gates").EnumerateArray().Single(g => g.GetProperty("gate").GetString() == "candidate-not-worse");
        Assert.False(notWorse.GetProperty("passed").GetBoolean());
        Assert.Equal(-10.0 / 30, notWorse.GetProperty("observed").GetProperty("estimate").GetDouble(), 6);
    }

    [Fact]
    public async Task Gates_pass_with_exit_code_0_when_the_candidate_holds_up()
    {
        _server.Responder = null;
        await _cli.RunAsync("eval", "run", "--model", "baseline");
        await _cli.RunAsync("eval", "run", "--model", "candidate", "--no-cache");

        var gate = await _cli.RunAsync("eval", "gate", "--model", "candidate");

        Assert.True(gate.ExitCode == 0, gate.ToString());
        Assert.Contains("all 2 gates passed", gate.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_gate_checks_the_gates_of_its_suite()
    {
        var run = await _cli.RunAsync("eval", "run", "--model", "candidate", "--gate");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("quality", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_shows_means_paired_differences_and_flags_the_regressed_tag()
    {
        await _cli.RunAsync("eval", "run", "--model", "baseline");
        await _cli.RunAsync("eval", "run", "--model", "candidate");

        var table = await _cli.RunAsync("eval", "compare", "baseline", "candidate", "--html", "compare.html");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("regressed", table.Out, StringComparison.Ordinal);
        Assert.Contains("billing", table.Out, StringComparison.Ordinal);
        Assert.Contains("<svg", File.ReadAllText(_cli.PathOf("compare.html")), StringComparison.Ordinal);

        var json = Json(await _cli.RunAsync("eval", "compare", "baseline", "candidate", "--json"));
        var metrics = json.GetProperty("comparison").GetProperty("metrics").EnumerateArray().ToList();
        var billing = metrics.Single(m => m.GetProperty("metric").GetString() == "accuracy" && m.GetProperty("slice").GetString() == "billing");
        Assert.Equal("regressed", billing.GetProperty("verdict").GetString());
        Assert.Equal(-1.0, billing.GetProperty("difference").GetProperty("estimate").GetDouble(), 6);
        var general = metrics.Single(m => m.GetProperty("metric").GetString() == "accuracy" && m.GetProperty("slice").GetString() == "general");
        Assert.Equal("no_change", general.GetProperty("verdict").GetString());

        Assert.Equal(1, (await _cli.RunAsync("eval", "compare", "baseline", "candidate", "--fail-on-regression")).ExitCode);
    }

    [Fact]
    public async Task Compare_with_a_judge_tallies_pairwise_wins_judged_in_both_orders()
    {
        await _cli.RunAsync("eval", "run", "--model", "baseline");
        await _cli.RunAsync("eval", "run", "--model", "candidate");
        // The judge prefers whichever answer starts with "echo": a consistent judge, whatever the order.
        _server.Responder = r =>
        {
            if (r.Model == "cand-model" && r.LastUserText!.Contains("[Answer A]", StringComparison.Ordinal))
            {
                string text = r.LastUserText!;
                int a = text.IndexOf("[Answer A]", StringComparison.Ordinal), b = text.IndexOf("[Answer B]", StringComparison.Ordinal);
                int end = text.IndexOf("[What a good answer does]", StringComparison.Ordinal);
                bool aGood = text[a..b].Contains("echo:", StringComparison.Ordinal);
                bool bGood = text[b..end].Contains("echo:", StringComparison.Ordinal);
                string winner = aGood == bGood ? "tie" : aGood ? "A" : "B";
                return FakeReply.Text($$"""{"reason": "compared", "winner": "{{winner}}"}""");
            }

            return null;
        };

        var json = Json(await _cli.RunAsync("eval", "compare", "baseline", "candidate", "--judge", "candidate", "--json"));

        var pairwise = json.GetProperty("comparison").GetProperty("pairwise");
        Assert.Equal(0, pairwise.GetProperty("wins").GetInt32());
        Assert.Equal(20, pairwise.GetProperty("ties").GetInt32());
        Assert.Equal(10, pairwise.GetProperty("losses").GetInt32());
    }

    [Fact]
    public async Task A_suite_error_names_file_line_and_field_and_exits_2()
    {
        File.WriteAllText(_cli.PathOf("evals", "bad.yaml"), "id: bad\ncases:\n  - id: a\n    input: hi\n    scorers:\n      - contans: hi\n");

        var run = await _cli.RunAsync("eval", "run", "--suite", "evals/bad.yaml");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("evals/bad.yaml:6:9", run.Error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'contains'?", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Judge_scorers_without_a_judge_model_stop_before_any_call()
    {
        File.WriteAllText(_cli.PathOf("evals", "judged.yaml"), "id: judged\nscorers: [{type: judge, rubric: Polite.}]\ncases:\n  - {id: a, input: hi}\n");

        var run = await _cli.RunAsync("eval", "run", "--suite", "evals/judged.yaml");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("names no judge model", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Report_list_and_ratings_round_trip_with_agreement()
    {
        await _cli.RunAsync("eval", "run", "--model", "candidate");
        var list = Json(await _cli.RunAsync("eval", "list", "--json"));
        string runId = list[0].GetProperty("id").GetString()!;

        var junit = await _cli.RunAsync("eval", "report", runId[..12], "--format", "junit");
        Assert.Equal(10, XDocument.Parse(junit.Out).Descendants("failure").Count());

        Assert.Equal(0, (await _cli.RunAsync("eval", "ratings", "export", "candidate", "-o", "sheet.csv")).ExitCode);
        var lines = File.ReadAllLines(_cli.PathOf("sheet.csv"));
        Assert.Equal(31, lines.Length);
        var filled = new List<string> { lines[0] };
        foreach (string line in lines.Skip(1).Take(6))
        {
            // Two raters; they agree on all but one answer.
            filled.Add(Fill(line, "ann", line.Contains("No idea", StringComparison.Ordinal) ? "1" : "5"));
            filled.Add(Fill(line, "bob", line.Contains("No idea", StringComparison.Ordinal) || line.Contains(",c04,", StringComparison.Ordinal) ? "1" : "5"));
        }

        filled.Add(Fill(lines[7], "carl", "five"));
        File.WriteAllLines(_cli.PathOf("sheet.csv"), filled);

        var import = await _cli.RunAsync("eval", "ratings", "import", "sheet.csv");
        Assert.Equal(2, import.ExitCode);
        Assert.Contains("12 rating(s) imported", import.Out, StringComparison.Ordinal);
        Assert.Contains("sheet.csv:14:0: error: score: score 'five' is not a number", import.Error, StringComparison.Ordinal);

        var agreement = Json(await _cli.RunAsync("eval", "ratings", "agreement", "--json"));
        Assert.Equal(6, agreement.GetProperty("rated_items").GetInt32());
        var pair = agreement.GetProperty("pairs")[0];
        Assert.Equal(6, pair.GetProperty("items").GetInt32());
        Assert.True(pair.GetProperty("kappa").GetDouble() is > 0.5 and < 1);
    }

    /// <summary>Fills rater and score into an exported CSV row (the last four columns are rater, score, label, comment).</summary>
    private static string Fill(string line, string rater, string score)
    {
        int cut = line.Length;
        for (int commas = 0; commas < 4; commas++)
        {
            cut = line.LastIndexOf(',', cut - 1);
        }

        return $"{line[..cut]},{rater},{score},,";
    }

    [Fact]
    public async Task A_run_killed_mid_way_resumes_where_it_stopped()
    {
        // Cases from c12 on hang, so the process is killed with 12 answers stored.
        _server.Responder = r => string.CompareOrdinal(r.LastUserText!.Split(' ')[^1].PadLeft(2, '0'), "12") >= 0 ? FakeReply.HangBeforeHeaders() : null;
        string cli = Path.Combine(AppContext.BaseDirectory, "Tailor.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _cli.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { cli, "eval", "run", "-j", "2", "--no-cache" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        _ = process.StandardError.ReadToEndAsync(Ct);
        // 12 answered + 2 hanging requests in flight: the run cannot go further.
        await _server.WaitForRequestAsync(14, Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await WaitForStoredResultsAsync(12);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(Ct);
        int askedBeforeKill = _server.Requests.Count;

        _server.Responder = null;
        var list = Json(await _cli.RunAsync("eval", "list", "--json"));
        Assert.Equal("running", list[0].GetProperty("status").GetString());
        string runId = list[0].GetProperty("id").GetString()!;

        var resumed = await _cli.RunAsync("eval", "run", "--resume", runId, "--json");

        Assert.Equal(0, resumed.ExitCode);
        var run = Json(resumed).GetProperty("runs")[0];
        Assert.Equal(runId, run.GetProperty("id").GetString());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(30, run.GetProperty("passed").GetInt32());
        Assert.Equal(askedBeforeKill + 18, _server.Requests.Count);
    }

    private async Task WaitForStoredResultsAsync(int count)
    {
        string db = _cli.PathOf(".tailor", "tailor.db");
        for (int attempt = 0; attempt < 600; attempt++)
        {
            await using (var store = Tailor.Store.Sqlite.SqliteEvalStore.Open(db))
            {
                var run = await store.ListRunsAsync(new Tailor.Evals.Results.EvalRunQuery(), Ct).FirstOrDefaultAsync(Ct);
                if (run is not null && (await store.ReadDoneAsync(run.Id, Ct)).Count >= count)
                {
                    return;
                }
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"the run never stored {count} results");
    }

    [Fact]
    public async Task With_a_PostgreSQL_store_the_runner_records_its_calls_there_and_keeps_results_in_the_SQLite_file()
    {
        await using var database = await PostgresTestDatabase.RequireAsync(Ct);

        File.AppendAllText(_cli.PathOf("tailor.yaml"), "\nstore:\n  provider: postgres\n  connection_string_env: EVAL_PG\n");
        _cli.WithVariable("EVAL_PG", database.ConnectionString);

        var run = await _cli.RunAsync("eval", "run", "--json", "--no-cache");
        var list = await _cli.RunAsync("eval", "list", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(30, Json(run).GetProperty("runs")[0].GetProperty("passed").GetInt32());
        Assert.Contains("smoke", list.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(_cli.PathOf(".tailor", "tailor.db")));
        await using var store = await Tailor.Store.Postgres.PostgresGatewayStore.OpenAsync(database.ConnectionString, cancellationToken: Ct);
        Assert.Equal(30, await store.CountAsync(new Tailor.Store.InteractionQuery { Source = "eval" }, Ct));
    }
}
