using System.Globalization;
using System.Text;

namespace Tailor.Moderation.Evaluation;

/// <summary>Precision, recall and F1 of one category; <c>Support</c> is the number of examples labelled with it.</summary>
public sealed record CategoryMetrics(string Category, int Support, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => Support == 0 ? 0 : (double)TruePositives / Support;
    public double F1 => 2.0 * TruePositives + FalsePositives + FalseNegatives == 0 ? 0 : 2.0 * TruePositives / (2.0 * TruePositives + FalsePositives + FalseNegatives);
}

/// <summary>One point of a threshold sweep: how a category scores when it counts as found at <paramref name="Threshold"/> or above.</summary>
public sealed record ThresholdPoint(double Threshold, double Precision, double Recall, double F1);

/// <summary>How benign examples with one tag fared: how many there were and how many were flagged anyway.</summary>
public sealed record BenignSlice(string Tag, int Examples, int Flagged)
{
    public double FalsePositiveRate => Examples == 0 ? 0 : (double)Flagged / Examples;
}

/// <summary>
/// What <see cref="ClassifierEvaluation"/> measured over a labelled set: per-category metrics, the false-positive rate
/// on benign examples (overall and per tag, e.g. <c>lookalike</c>), a confusion matrix, a threshold sweep per
/// category on the highest score any classifier gave, and the latency of a whole check.
/// </summary>
public sealed record ClassifierEvaluationReport
{
    public required string Classifiers { get; init; }
    public required int Examples { get; init; }
    public required int Benign { get; init; }

    /// <summary>Benign examples in which anything was found.</summary>
    public required int BenignFlagged { get; init; }

    public double BenignFalsePositiveRate => Benign == 0 ? 0 : (double)BenignFlagged / Benign;

    public required IReadOnlyList<CategoryMetrics> Categories { get; init; }
    public required IReadOnlyList<BenignSlice> BenignSlices { get; init; }

    /// <summary>Counts by true label (row; <c>benign</c> for none) and found category (column; <c>none</c> for nothing).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Confusion { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<ThresholdPoint>> Sweep { get; init; }

    public required double LatencyP50Ms { get; init; }
    public required double LatencyP99Ms { get; init; }
    public required double LatencyMeanMs { get; init; }

    /// <summary>Micro-averaged F1 over every category with examples.</summary>
    public double MicroF1
    {
        get
        {
            var counted = Categories.Where(c => c.Support > 0).ToList();
            int tp = counted.Sum(c => c.TruePositives), fp = counted.Sum(c => c.FalsePositives), fn = counted.Sum(c => c.FalseNegatives);
            return 2.0 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
    }

    /// <summary>Macro-averaged F1 over every category with examples.</summary>
    public double MacroF1 => Categories.Where(c => c.Support > 0).Select(c => c.F1).DefaultIfEmpty(0).Average();

    /// <summary>The report as Markdown tables (for docs and CI summaries).</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"Classifiers: `{Classifiers}` · {Examples} examples, {Benign} benign · micro F1 {MicroF1:0.000}, macro F1 {MacroF1:0.000} · ");
        md.Append(inv, $"benign flagged {BenignFlagged}/{Benign} ({BenignFalsePositiveRate:P1}) · latency p50 {LatencyP50Ms * 1000:0} µs, p99 {LatencyP99Ms * 1000:0} µs\n\n");
        md.Append("| category | examples | precision | recall | F1 | false positives |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var c in Categories)
        {
            md.Append(inv, $"| `{c.Category}` | {c.Support} | {c.Precision:0.000} | {c.Recall:0.000} | {c.F1:0.000} | {c.FalsePositives} |\n");
        }
        md.Append("\n| benign slice | examples | flagged | false-positive rate |\n|---|---:|---:|---:|\n");
        md.Append(inv, $"| all benign | {Benign} | {BenignFlagged} | {BenignFalsePositiveRate:P1} |\n");
        foreach (var slice in BenignSlices)
        {
            md.Append(inv, $"| `{slice.Tag}` | {slice.Examples} | {slice.Flagged} | {slice.FalsePositiveRate:P1} |\n");
        }
        return md.ToString();
    }
}
