using System.Net;
using System.Text;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using static Tailor.Evals.Reports.ReportFormat;

namespace Tailor.Evals.Reports;

/// <summary>
/// Writes an <see cref="EvalReport"/> as one self-contained HTML file (inline CSS and SVG, no script, nothing
/// fetched): gates, comparison bars with intervals, the distribution of each metric, a per-tag table and the
/// failing cases. All model and user text is HTML-encoded.
/// </summary>
public static class HtmlReportWriter
{
    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328;padding:0 1rem}
        h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{font-size:1.05rem}
        table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
        th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
        .muted{color:#656d76}.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{width:260px;height:auto;background:#fff;border:1px solid #eaeef2}
        .chart.wide{width:520px}.bar{fill:#54aeff}.base{fill:#8c959f}.cand{fill:#54aeff}.worse{fill:#ff8182}.better{fill:#4ac26b}.same{fill:#afb8c1}
        .whisker{stroke:#24292f;stroke-width:1.5}.axis{stroke:#8c959f}.zero{stroke:#24292f;stroke-dasharray:3 3}.tick,.label{font-size:10px;fill:#57606a}
        figure{margin:0}figcaption{font-size:12px;color:#57606a}pre{white-space:pre-wrap;margin:0;font-size:12px;max-height:12em;overflow:auto}
        """;

    public static string Write(EvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        h.Append($"<title>{E(report.Title)}</title><style>{Style}</style></head><body>");
        h.Append($"<h1>{E(report.Title)}</h1><p class=\"muted\">Generated {E(Time(report.GeneratedAt))} by Tailor. Intervals are bootstrap intervals over cases (repeats of a case averaged first).</p>");
        WriteGates(h, report.Gates);
        if (report.Comparison is { } c)
        {
            WriteComparison(h, c);
        }

        foreach (RunReport run in report.Runs)
        {
            WriteRun(h, run);
        }

        return h.Append("</body></html>").ToString();
    }

    private static void WriteGates(StringBuilder h, IReadOnlyList<GateResult> gates)
    {
        if (gates.Count == 0)
        {
            return;
        }

        int failed = gates.Count(g => !g.Passed);
        h.Append($"<h2>Gates: <span class=\"{(failed == 0 ? "pass" : "fail")}\">{(failed == 0 ? "all passed" : $"{failed} of {gates.Count} failed")}</span></h2>");
        h.Append("<table><tr><th>gate</th><th>metric</th><th>requirement</th><th>observed</th><th>result</th><th>why</th></tr>");
        foreach (GateResult g in gates)
        {
            string observed = g.Observed is { } o ? F(o.Estimate) : "n/a";
            h.Append($"<tr><td>{E(g.GateId)}</td><td>{E(g.Metric)}{(g.Slice is null ? "" : $" <span class=\"muted\">[{E(g.Slice)}]</span>")}</td><td>{E(g.Requirement)}</td>")
                .Append($"<td class=\"num\">{observed}</td><td class=\"{(g.Passed ? "pass" : "fail")}\">{(g.Passed ? "pass" : "fail")}</td><td>{E(g.Message)}</td></tr>");
        }

        h.Append("</table>");
    }

    private static void WriteComparison(StringBuilder h, RunComparison c)
    {
        h.Append($"<h2>{E(c.Candidate.Run.ModelAlias)} vs {E(c.Baseline.Run.ModelAlias)} on {E(c.Baseline.Run.SuiteId)}</h2>");
        h.Append($"<p class=\"muted\">Baseline run {E(c.Baseline.Run.Id)}, candidate run {E(c.Candidate.Run.Id)}, {Percent(c.Confidence)} intervals; differences are paired by case (candidate − baseline).</p>");
        if (c.Pairwise is { } p)
        {
            h.Append($"<p>Pairwise judging, each pair judged in both orders: <b>{p.Wins}</b> wins, <b>{p.Ties}</b> ties, <b>{p.Losses}</b> losses (win rate {F(p.WinRate)}).</p>");
        }

        h.Append("<div class=\"charts\">");
        foreach (MetricComparison m in c.Metrics.Where(m => m.Verdict != ComparisonVerdict.NoData))
        {
            string diffCss = m.Verdict switch { ComparisonVerdict.Regressed => "worse", ComparisonVerdict.Improved => "better", _ => "same" };
            h.Append($"<figure>{SvgCharts.Intervals([("baseline", m.Baseline, "base"), ("candidate", m.Candidate, "cand"), ("difference", m.Difference, diffCss)])}")
                .Append($"<figcaption>{E(m.Metric)}{(m.LowerIsBetter ? " (lower is better)" : "")}: {VerdictText(m.Verdict)}</figcaption></figure>");
        }

        h.Append("</div><table><tr><th>metric</th><th>tag</th><th>baseline</th><th>candidate</th><th>difference</th><th>interval</th><th>verdict</th></tr>");
        foreach (MetricComparison m in c.Metrics.Concat(c.Slices.Where(s => !RunSummary.IsBuiltIn(s.Metric))))
        {
            string css = m.Verdict switch { ComparisonVerdict.Regressed => "fail", ComparisonVerdict.Improved => "pass", _ => "" };
            h.Append($"<tr><td>{E(m.Metric)}</td><td>{E(m.Slice ?? "all")}</td><td class=\"num\">{F(m.Baseline.Estimate)}</td><td class=\"num\">{F(m.Candidate.Estimate)}</td>")
                .Append($"<td class=\"num\">{Signed(m.Difference.Estimate)}</td><td class=\"num\">{Interval(m.Difference)}</td><td class=\"{css}\">{VerdictText(m.Verdict)}</td></tr>");
        }

        h.Append("</table>");
    }

    private static void WriteRun(StringBuilder h, RunReport run)
    {
        var s = run.Summary;
        h.Append($"<h2>{E(run.Run.SuiteId)} on {E(run.Run.ModelAlias)}</h2>");
        h.Append($"<p>Run {E(run.Run.Id)} ({E(run.Run.Status.ToString().ToLowerInvariant())}), started {E(Time(run.Run.StartedAt))}: {s.Results} results, ")
            .Append($"<span class=\"pass\">{s.Passed} passed</span>, <span class=\"fail\">{s.Failed} failed</span>, {s.Errors} errors{(s.Cached > 0 ? $", {s.Cached} from cache" : "")}.")
            .Append($" Model {E(run.Run.ModelId ?? "?")}{(run.Run.PromptVersion is null ? "" : $", prompt {E(run.Run.PromptVersion)}")}.</p>");
        h.Append("<h3>Distributions</h3><div class=\"charts\">");
        foreach (MetricLine m in run.Metrics)
        {
            h.Append($"<figure>{SvgCharts.Histogram(m.Values, m.Metric)}<figcaption>{E(m.Metric)}: mean {F(m.Mean.Estimate)} ({Interval(m.Mean)}), {m.Mean.Count} cases</figcaption></figure>");
        }

        h.Append("</div>");
        if (run.Slices.Count > 0)
        {
            var metrics = run.Slices.Select(l => l.Metric).Distinct(StringComparer.Ordinal).ToList();
            h.Append("<h3>By tag</h3><table><tr><th>tag</th>");
            foreach (string m in metrics)
            {
                h.Append($"<th>{E(m)}</th>");
            }

            h.Append("<th>cases</th></tr>");
            foreach (var group in run.Slices.GroupBy(l => l.Slice))
            {
                h.Append($"<tr><td>{E(group.Key ?? "")}</td>");
                foreach (string m in metrics)
                {
                    var line = group.FirstOrDefault(l => l.Metric == m);
                    h.Append($"<td class=\"num\">{(line is null ? "" : $"{F(line.Mean.Estimate)} <span class=\"muted\">({Interval(line.Mean)})</span>")}</td>");
                }

                h.Append($"<td class=\"num\">{group.Max(l => l.Mean.Count)}</td></tr>");
            }

            h.Append("</table>");
        }

        if (run.Failures.Count > 0)
        {
            h.Append($"<h3>Failing cases ({run.Failures.Count}{(s.Failed + s.Errors > run.Failures.Count ? $" of {s.Failed + s.Errors}" : "")})</h3>");
            h.Append("<table><tr><th>case</th><th>input</th><th>output</th><th>expected</th><th>why</th></tr>");
            foreach (var f in run.Failures)
            {
                string why = f.Error ?? string.Join("\n", f.Metrics.Where(m => !m.Passed).Select(m => $"{m.Metric}: {m.Reason}"));
                h.Append($"<tr><td>{E(f.CaseId)}{(run.Run.Repeat > 1 ? $" #{f.Repeat + 1}" : "")}<br><span class=\"muted\">{E(f.Location ?? "")}</span></td>")
                    .Append($"<td><pre>{E(f.Input.LastOrDefault()?.Text ?? "")}</pre></td><td><pre>{E(f.Output)}</pre></td><td><pre>{E(f.Expected ?? "")}</pre></td><td><pre>{E(why)}</pre></td></tr>");
            }

            h.Append("</table>");
        }
    }

    private static string VerdictText(ComparisonVerdict v) => v switch
    {
        ComparisonVerdict.Improved => "improved",
        ComparisonVerdict.Regressed => "regressed",
        ComparisonVerdict.NoData => "no data",
        _ => "no change",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
