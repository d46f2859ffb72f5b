using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Judging;
using Tailor.Evals.Scoring;
using Tailor.Evals.Suites;
using Tailor.Providers.OpenAI;
using Tailor.Testing;

namespace Tailor.Tests.Evals;

/// <summary>Each scorer as an IEvaluator: values, pass/fail, reasons, and bad input as diagnostics rather than exceptions.</summary>
public sealed class ScorerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Where is my invoice?")];

    private static async Task<NumericMetric> ScoreAsync(IEvaluator evaluator, string output, ChatConfiguration? judge = null, params EvaluationContext[] context)
    {
        var result = await evaluator.EvaluateAsync(Question, new ChatResponse(new ChatMessage(ChatRole.Assistant, output)), judge, context, Ct);
        return (NumericMetric)Assert.Single(result.Metrics).Value;
    }

    private static bool Passed(EvaluationMetric m) => m.Interpretation is { Failed: false };

    [Theory]
    [InlineData(ScorerTypes.Contains, "Billing", false, "Open Billing > Invoices", true)]
    [InlineData(ScorerTypes.Contains, "billing", false, "Open Billing > Invoices", false)]
    [InlineData(ScorerTypes.IContains, "billing", false, "Open Billing > Invoices", true)]
    [InlineData(ScorerTypes.Contains, "password", true, "Open Billing", true)]
    [InlineData(ScorerTypes.Exact, "yes", false, "  yes \n", true)]
    [InlineData(ScorerTypes.StartsWith, "Sure", false, "Sure, here it is", true)]
    [InlineData(ScorerTypes.Regex, @"^\d+ days$", false, "14 days", true)]
    [InlineData(ScorerTypes.Regex, @"^\d+ days$", true, "14 days", false)]
    public async Task Text_checks(string type, string value, bool negate, string output, bool expected)
    {
        var metric = await ScoreAsync(new TextMatchEvaluator("m", type, [value], negate: negate), output);

        Assert.Equal(expected ? 1 : 0, metric.Value);
        Assert.Equal(expected, Passed(metric));
        Assert.False(string.IsNullOrEmpty(metric.Reason));
    }

    [Fact]
    public async Task Contains_any_and_all()
    {
        string[] values = ["invoice", "refund"];
        Assert.Equal(1, (await ScoreAsync(new TextMatchEvaluator("m", ScorerTypes.ContainsAny, values), "your refund")).Value);
        Assert.Equal(0, (await ScoreAsync(new TextMatchEvaluator("m", ScorerTypes.ContainsAll, values), "your refund")).Value);
        Assert.Equal(1, (await ScoreAsync(new TextMatchEvaluator("m", ScorerTypes.IContainsAll, values), "REFUND for the Invoice")).Value);
    }

    [Fact]
    public async Task Json_checks_accept_a_fenced_answer_and_explain_a_schema_failure()
    {
        const string schema = """{"type":"object","required":["status"],"properties":{"status":{"enum":["open","closed"]},"count":{"type":"integer"}}}""";
        Assert.True(Passed(await ScoreAsync(new JsonEvaluator("m", JsonCheck.Valid), "```json\n{\"a\": 1}\n```")));
        Assert.False(Passed(await ScoreAsync(new JsonEvaluator("m", JsonCheck.Valid), "{\"a\": ")));
        Assert.True(Passed(await ScoreAsync(new JsonEvaluator("m", JsonCheck.Schema, schema), """{"status":"open","count":2}""")));

        var bad = await ScoreAsync(new JsonEvaluator("m", JsonCheck.Schema, schema), """{"status":"pending","count":2}""");
        Assert.False(Passed(bad));
        Assert.Contains("/status", bad.Reason, StringComparison.Ordinal);

        Assert.True(Passed(await ScoreAsync(new JsonEvaluator("m", JsonCheck.FieldEquals, path: "order.items[1].qty", expected: "2"), """{"order":{"items":[{"qty":1},{"qty":2.0}]}}""")));
        var missing = await ScoreAsync(new JsonEvaluator("m", JsonCheck.FieldEquals, path: "order.id", expected: "7"), "{}");
        Assert.Equal("the output has no field 'order.id'", missing.Reason);
    }

    [Fact]
    public async Task Numeric_reads_the_first_number_within_a_tolerance()
    {
        Assert.True(Passed(await ScoreAsync(new NumericEvaluator("m", 1234.5, 0.1), "The total is 1,234.55 EUR.")));
        Assert.False(Passed(await ScoreAsync(new NumericEvaluator("m", 10, 0), "It is 11.")));
        Assert.Equal("the output contains no number", (await ScoreAsync(new NumericEvaluator("m", 1, 0), "none")).Reason);
    }

    [Fact]
    public async Task Overlap_metrics_report_their_value_and_pass_at_the_threshold()
    {
        var rouge = await ScoreAsync(new OverlapEvaluator("rouge-l", OverlapMeasure.RougeL, ["police killed the gunman"]), "police kill the gunman");
        Assert.Equal(0.75, rouge.Value!.Value, 12);
        Assert.True(Passed(rouge));
        var f1 = await ScoreAsync(new OverlapEvaluator("f1", OverlapMeasure.F1, ["a cat sat on the mat"], threshold: 0.7), "the cat sat");
        Assert.False(Passed(f1));
        var bleu = await ScoreAsync(new OverlapEvaluator("bleu", OverlapMeasure.Bleu, ["the cat sat on the mat"]), "the cat sat on the mat");
        Assert.Equal(1, bleu.Value!.Value, 12);
        var none = await ScoreAsync(new OverlapEvaluator("bleu", OverlapMeasure.Bleu, []), "x");
        Assert.Null(none.Value);
        Assert.Contains(none.Diagnostics!, d => d.Severity == EvaluationDiagnosticSeverity.Error);
    }

    [Fact]
    public async Task Length_refusal_latency_and_cost()
    {
        Assert.False(Passed(await ScoreAsync(new LengthEvaluator("m", null, 3, words: true), "one two three four")));
        Assert.Equal(4, (await ScoreAsync(new LengthEvaluator("m", 1, null, words: false), "abcd")).Value);

        var refuse = new RefusalEvaluator("refusal_rate", expectRefusal: true, policyRefusals: ["For your security I can't handle card numbers here."]);
        Assert.True(Passed(await ScoreAsync(refuse, "For your security I can’t handle card numbers here.")));
        Assert.True(Passed(await ScoreAsync(refuse, "I'm sorry, but I can't help with that.")));
        Assert.False(Passed(await ScoreAsync(refuse, "Your invoice is under Billing.")));
        Assert.False(Passed(await ScoreAsync(new RefusalEvaluator("m", expectRefusal: false), "I cannot help with that.")));

        var latency = await ScoreAsync(new CallMetricsEvaluator("latency", CallMeasure.Latency, max: 100), "x", null, new CallContext(250));
        Assert.Equal(250, latency.Value);
        Assert.False(Passed(latency));
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")) { Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 2000 } };
        var cost = (NumericMetric)(await new CallMetricsEvaluator("cost", CallMeasure.Cost, 0.01, 2, 4).EvaluateAsync(Question, response, cancellationToken: Ct)).Metrics["cost"];
        Assert.Equal(0.01, cost.Value!.Value, 12);
        Assert.True(Passed(cost));
    }

    [Fact]
    public async Task A_moderation_scorer_without_the_moderation_layer_reports_why_instead_of_throwing()
    {
        var scorer = ScorerFactory.Create(new ScorerSpec { Type = ScorerTypes.Moderation, Metric = "safe" }, new EvalCase { Id = "a", Messages = Question }, new ScorerServices());

        var metric = await ScoreAsync(scorer.Evaluator, "text");

        Assert.Null(metric.Value);
        Assert.Contains("needs the moderation layer", metric.Diagnostics!.Single().Message, StringComparison.Ordinal);
    }

    private static ChatConfiguration JudgeAt(FakeOpenAIServer server) => new(new OpenAICompatibleChatClient(new OpenAICompatibleChatClientOptions
    {
        BaseUri = server.BaseUrl,
        DefaultModelId = "judge-model",
        MaxRetries = 0,
    }));

    [Fact]
    public async Task The_judge_grades_with_structured_output_a_rubric_and_a_reference()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("""Sure! ```json {"reason": "Points to Billing but omits PDF.", "score": 4} ```"""));
        var judge = new JudgeEvaluator("judge", "Points to Billing > Invoices.", reference: "Billing > Invoices (PDF)");

        var metric = await ScoreAsync(judge, "Go to Billing.", JudgeAt(server));

        Assert.Equal(4, metric.Value);
        Assert.True(Passed(metric));
        Assert.Equal("Points to Billing but omits PDF.", metric.Reason);
        Assert.Equal(0.75, ScoreMetrics.ScoreOf(metric), 12);
        var sent = Assert.Single(server.Requests);
        Assert.Equal("json_schema", sent.Member("response_format")!.Value.GetProperty("type").GetString());
        Assert.Equal(0, sent.Member("temperature")!.Value.GetDouble());
        string prompt = sent.LastUserText!;
        Assert.Contains("Points to Billing > Invoices.", prompt, StringComparison.Ordinal);
        Assert.Contains("Billing > Invoices (PDF)", prompt, StringComparison.Ordinal);
        Assert.Contains("user: Where is my invoice?", prompt, StringComparison.Ordinal);
        Assert.Contains("Go to Billing.", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_judge_answer_is_a_diagnostic_and_pass_fail_judges_read_pass()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("I think it is good."), FakeReply.Text("""{"reason": "fine", "pass": "fail"}"""), FakeReply.Text("""{"reason":"x","score":9}"""));

        var broken = await ScoreAsync(new JudgeEvaluator("judge", "rubric"), "out", JudgeAt(server));
        Assert.Null(broken.Value);
        Assert.Contains("holds no JSON object", broken.Diagnostics!.Single().Message, StringComparison.Ordinal);

        var passFail = await ScoreAsync(new JudgeEvaluator("judge", "rubric", passFail: true), "out", JudgeAt(server));
        Assert.Equal(0, passFail.Value);

        var outOfRange = await ScoreAsync(new JudgeEvaluator("judge", "rubric"), "out", JudgeAt(server));
        Assert.Null(outOfRange.Value);
    }

    [Fact]
    public async Task A_custom_judge_prompt_replaces_the_built_in_one()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Text("""{"reason": "ok", "score": 5}"""));

        await ScoreAsync(new JudgeEvaluator("judge", "Be brief.", template: "GRADE {{output}} BY {{rubric}}. {{scale}}"), "Hi.", JudgeAt(server));

        Assert.StartsWith("GRADE Hi. BY Be brief.", server.Requests[0].LastUserText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pairwise_judging_runs_both_orders_so_a_position_biased_judge_yields_a_tie()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        // A judge that always prefers the first answer it sees.
        server.Responder = _ => FakeReply.Text("""{"reason": "A reads better", "winner": "A"}""");

        var biased = await ScoreAsync(new PairwiseJudgeEvaluator(), "candidate answer", JudgeAt(server), new PairwiseContext("baseline answer"));

        Assert.Equal(0.5, biased.Value);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("[Answer A]\ncandidate answer", server.Requests[0].LastUserText, StringComparison.Ordinal);
        Assert.Contains("[Answer A]\nbaseline answer", server.Requests[1].LastUserText, StringComparison.Ordinal);
        Assert.Equal("tie", biased.Metadata!["tailor.pairwise"]);

        // A consistent judge preferring the candidate in both orders: a win.
        server.Responder = r => FakeReply.Text(r.LastUserText!.IndexOf("candidate answer", StringComparison.Ordinal) < r.LastUserText.IndexOf("baseline answer", StringComparison.Ordinal)
            ? """{"reason": "c", "winner": "A"}""" : """{"reason": "c", "winner": "B"}""");
        Assert.Equal(1, (await ScoreAsync(new PairwiseJudgeEvaluator(), "candidate answer", JudgeAt(server), new PairwiseContext("baseline answer"))).Value);
    }
}
