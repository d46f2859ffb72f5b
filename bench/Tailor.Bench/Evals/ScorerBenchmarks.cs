using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Tailor.Evals.Metrics;
using Tailor.Evals.Scoring;
using Tailor.Evals.Statistics;

namespace Tailor.Bench.Evals;

/// <summary>
/// CPU cost of scoring one answer (a ~60-word support reply against its reference) and of a bootstrap interval,
/// against the per-item budget in research-perf.md §(b): exact/F1 under 5 µs, BLEU/ROUGE tens of µs, JSON ~1 µs per KB.
/// Run: <c>dotnet run -c Release --project bench/Tailor.Bench -- --filter '*ScorerBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ScorerBenchmarks
{
    private const string Reference =
        "You can download last month's invoice from the console: open Billing, then Invoices, and pick the month. "
        + "Every invoice is a PDF. If the invoice is missing, check that you are an owner of the billing account, "
        + "or ask an owner to add you; invoices appear two days after the end of the month.";

    private const string Answer =
        "Open the console, go to Billing and then Invoices, and choose the month you need; each invoice downloads as a PDF. "
        + "If you cannot see it, make sure you are an owner of the billing account. Invoices show up about two days after the month ends.";

    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Where can I download last month's invoice?")];
    private readonly ChatResponse _response = new(new ChatMessage(ChatRole.Assistant, Answer));
    private readonly ChatResponse _json = new(new ChatMessage(ChatRole.Assistant,
        """{"status":"open","ticket":{"id":"T-1234","priority":"high","tags":["billing","invoice"]},"reply":"Open Billing, then Invoices."}"""));

    private readonly TextMatchEvaluator _contains = new("accuracy", "icontains", ["Billing"]);
    private readonly OverlapEvaluator _f1 = new("f1", OverlapMeasure.F1, [Reference]);
    private readonly OverlapEvaluator _bleu = new("bleu", OverlapMeasure.Bleu, [Reference]);
    private readonly OverlapEvaluator _rouge = new("rouge-l", OverlapMeasure.RougeL, [Reference]);
    private readonly RefusalEvaluator _refusal = new("refusal", expectRefusal: false);
    private readonly JsonEvaluator _schema = new("schema", JsonCheck.Schema,
        """{"type":"object","required":["status","ticket"],"properties":{"status":{"enum":["open","closed"]},"ticket":{"type":"object","required":["id"]}}}""");

    private readonly double[] _thousandCases = Enumerable.Range(0, 1000).Select(i => i % 5 == 0 ? 0.0 : 1.0).ToArray();

    [Benchmark(Baseline = true)]
    public ValueTask<Microsoft.Extensions.AI.Evaluation.EvaluationResult> Contains() => _contains.EvaluateAsync(Question, _response);

    [Benchmark]
    public ValueTask<Microsoft.Extensions.AI.Evaluation.EvaluationResult> TokenF1() => _f1.EvaluateAsync(Question, _response);

    [Benchmark]
    public ValueTask<Microsoft.Extensions.AI.Evaluation.EvaluationResult> Bleu() => _bleu.EvaluateAsync(Question, _response);

    [Benchmark]
    public ValueTask<Microsoft.Extensions.AI.Evaluation.EvaluationResult> RougeL() => _rouge.EvaluateAsync(Question, _response);

    [Benchmark]
    public ValueTask<Microsoft.Extensions.AI.Evaluation.EvaluationResult> Refusal() => _refusal.EvaluateAsync(Question, _response);

    [Benchmark]
    public ValueTask<Microsoft.Extensions.AI.Evaluation.EvaluationResult> JsonSchema() => _schema.EvaluateAsync(Question, _json);

    /// <summary>A 95% interval over 1,000 cases with 2,000 resamples: what each metric line of a report costs.</summary>
    [Benchmark]
    public Interval Bootstrap1000Cases() => Tailor.Evals.Statistics.Bootstrap.Mean(_thousandCases, 0.95, new Random(1));

    [Benchmark]
    public int Words() => TextTokens.Words(Answer).Count;
}
