using Tailor.Evals.Results;
using Tailor.Evals.Statistics;

namespace Tailor.Evals.Ratings;

/// <summary>Agreement of two raters on the items both rated.</summary>
/// <param name="RaterA">First rater.</param>
/// <param name="RaterB">Second rater.</param>
/// <param name="Items">Items both rated.</param>
/// <param name="Kappa">Cohen's kappa on their labels (or scores read as categories).</param>
public sealed record RaterPair(string RaterA, string RaterB, int Items, double Kappa);

/// <summary>How well the LLM judge agrees with people on the same answers: the calibration Kiln recommends before trusting a judge.</summary>
/// <param name="Metric">The judge metric compared.</param>
/// <param name="Items">Answers with both a judge value and a human score (the human score is the raters' mean).</param>
/// <param name="KendallTau">Kendall's tau-b (rank agreement; the measure Kiln recommends).</param>
/// <param name="Spearman">Spearman's rho.</param>
/// <param name="Pearson">Pearson's r.</param>
/// <param name="MeanAbsoluteError">Mean absolute difference, on the judge's scale.</param>
/// <param name="PassAgreement">Share of answers where judge and humans agree on pass/fail (humans pass at or above the judge's threshold); NaN when unknown.</param>
public sealed record JudgeCalibration(string Metric, int Items, double KendallTau, double Spearman, double Pearson, double MeanAbsoluteError, double PassAgreement);

/// <summary>
/// Inter-rater agreement (Cohen's kappa per pair of raters, Krippendorff's alpha over all of them) and
/// judge-versus-human calibration for the ratings of one metric.
/// </summary>
public sealed record AgreementReport
{
    public required string Metric { get; init; }
    public required int RatedItems { get; init; }
    public required IReadOnlyList<string> Raters { get; init; }
    public required IReadOnlyList<RaterPair> Pairs { get; init; }

    /// <summary>Alpha on scores as ordinal data (NaN without numeric scores).</summary>
    public required double AlphaOrdinal { get; init; }

    /// <summary>Alpha on scores as interval data.</summary>
    public required double AlphaInterval { get; init; }

    /// <summary>Alpha on labels as nominal data (NaN without labels).</summary>
    public required double AlphaNominal { get; init; }

    public JudgeCalibration? Judge { get; init; }

    /// <summary>
    /// Computes agreement for <paramref name="metric"/> from <paramref name="ratings"/>; with
    /// <paramref name="judgeValues"/> (judge metric value per (run, case, sample)), the judge's calibration too.
    /// </summary>
    public static AgreementReport Compute(IReadOnlyList<HumanRating> ratings, string metric = "overall",
        IReadOnlyDictionary<(string Run, string Case, int Repeat), (double Value, bool Passed)>? judgeValues = null, string? judgeMetric = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var relevant = ratings.Where(r => r.Metric == metric).ToList();
        var byItem = relevant.GroupBy(r => (r.RunId, r.CaseId, r.Repeat)).ToList();
        var raters = relevant.Select(r => r.Rater).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var pairs = new List<RaterPair>();
        for (int i = 0; i < raters.Count; i++)
        {
            for (int j = i + 1; j < raters.Count; j++)
            {
                var both = byItem
                    .Select(g => (A: g.FirstOrDefault(r => r.Rater == raters[i]), B: g.FirstOrDefault(r => r.Rater == raters[j])))
                    .Where(p => p.A is not null && p.B is not null)
                    .Select(p => (Category(p.A!), Category(p.B!)))
                    .ToList();
                pairs.Add(new RaterPair(raters[i], raters[j], both.Count, CohensKappa.Compute(both)));
            }
        }

        var scoreUnits = byItem.Select(g => (IReadOnlyList<double>)g.Where(r => r.Score is not null).Select(r => r.Score!.Value).ToList()).ToList();
        var labelValues = relevant.Select(r => r.Label).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var labelUnits = byItem.Select(g => (IReadOnlyList<double>)g.Where(r => r.Label is not null).Select(r => (double)labelValues.IndexOf(r.Label!)).ToList()).ToList();

        JudgeCalibration? judge = null;
        if (judgeValues is not null)
        {
            var matched = byItem
                .Select(g => (Human: g.Where(r => r.Score is not null).Select(r => r.Score!.Value).DefaultIfEmpty(double.NaN).Average(),
                    Judge: judgeValues.TryGetValue(g.Key, out var j) ? j : ((double, bool)?)null, HumanPass: HumanPass(g)))
                .Where(m => !double.IsNaN(m.Human) && m.Judge is not null)
                .ToList();
            double[] human = [.. matched.Select(m => m.Human)];
            double[] judged = [.. matched.Select(m => m.Judge!.Value.Item1)];
            var passKnown = matched.Where(m => m.HumanPass is not null).ToList();
            judge = new JudgeCalibration(judgeMetric ?? "judge", matched.Count,
                Correlation.KendallTauB(human, judged), Correlation.Spearman(human, judged), Correlation.Pearson(human, judged),
                Correlation.MeanAbsoluteError(human, judged),
                passKnown.Count == 0 ? double.NaN : passKnown.Count(m => m.HumanPass == m.Judge!.Value.Item2) / (double)passKnown.Count);
        }

        return new AgreementReport
        {
            Metric = metric,
            RatedItems = byItem.Count,
            Raters = raters,
            Pairs = pairs,
            AlphaOrdinal = KrippendorffAlpha.Compute(scoreUnits, AlphaLevel.Ordinal),
            AlphaInterval = KrippendorffAlpha.Compute(scoreUnits, AlphaLevel.Interval),
            AlphaNominal = KrippendorffAlpha.Compute(labelUnits, AlphaLevel.Nominal),
            Judge = judge,
        };
    }

    private static string Category(HumanRating r) =>
        r.Label ?? r.Score?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>The raters' pass/fail when their labels say it (pass/fail/critical), else null.</summary>
    private static bool? HumanPass(IEnumerable<HumanRating> ratings)
    {
        var labels = ratings.Select(r => r.Label?.ToLowerInvariant()).Where(l => l is "pass" or "fail" or "critical").ToList();
        return labels.Count == 0 ? null : labels.Count(l => l == "pass") * 2 >= labels.Count;
    }
}
