using System.Text;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using static Tailor.Evals.Reports.ReportFormat;

namespace Tailor.Evals.Reports;

/// <summary>Writes an <see cref="EvalReport"/> as a Markdown summary (for a pull-request comment or a CI job summary).</summary>
public static class MarkdownReportWriter
{
    public static string Write(EvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.AppendLine($"# {Escape(report.Title)}").AppendLine();
        if (report.Gates.Count > 0)
        {
            int failed = report.Gates.Count(g => !g.Passed);
            md.AppendLine(failed == 0 ? $"**All {report.Gates.Count} gates passed.**" : $"**{failed} of {report.Gates.Count} gates failed.**").AppendLine();
            md.AppendLine("| gate | metric | requirement | observed | result |").AppendLine("|---|---|---|---|---|");
            foreach (GateResult g in report.Gates)
            {
                string observed = g.Observed is { } o ? F(o.Estimate) : "n/a";
                md.AppendLine($"| {Escape(g.GateId)} | {Escape(g.Metric)}{(g.Slice is null ? "" : $" [{Escape(g.Slice)}]")} | {Escape(g.Requirement)} | {observed} | {(g.Passed ? "✅ pass" : "❌ fail")} |");
            }

            md.AppendLine();
            foreach (GateResult g in report.Gates.Where(g => !g.Passed))
            {
                md.AppendLine($"- **{Escape(g.GateId)}**: {Escape(g.Message)}");
            }

            md.AppendLine();
        }

        if (report.Comparison is { } c)
        {
            md.AppendLine($"## {Escape(c.Candidate.Run.ModelAlias)} vs {Escape(c.Baseline.Run.ModelAlias)} on {Escape(c.Baseline.Run.SuiteId)}").AppendLine();
            md.AppendLine($"Runs `{c.Baseline.Run.Id}` (baseline) and `{c.Candidate.Run.Id}` (candidate); intervals are {Percent(c.Confidence)} bootstrap intervals over cases.").AppendLine();
            if (c.Pairwise is { } p)
            {
                md.AppendLine($"Pairwise judging (both orders): **{p.Wins} wins, {p.Ties} ties, {p.Losses} losses** (win rate {F(p.WinRate)}).").AppendLine();
            }

            md.AppendLine("| metric | baseline | candidate | difference | verdict |").AppendLine("|---|---|---|---|---|");
            foreach (MetricComparison m in c.Metrics)
            {
                md.AppendLine($"| {Escape(m.Metric)} | {F(m.Baseline.Estimate)} | {F(m.Candidate.Estimate)} | {Signed(m.Difference.Estimate)} ({Interval(m.Difference)}) | {Verdict(m.Verdict)} |");
            }

            md.AppendLine();
            var regressions = c.Slices.Where(s => s.Verdict == ComparisonVerdict.Regressed).ToList();
            if (regressions.Count > 0)
            {
                md.AppendLine("Regressions by tag:").AppendLine();
                foreach (MetricComparison r in regressions)
                {
                    md.AppendLine($"- `{Escape(r.Slice!)}` {Escape(r.Metric)}: {F(r.Baseline.Estimate)} → {F(r.Candidate.Estimate)} ({Signed(r.Difference.Estimate)}, {Interval(r.Difference)})");
                }

                md.AppendLine();
            }
        }

        foreach (RunReport run in report.Runs)
        {
            var s = run.Summary;
            md.AppendLine($"## {Escape(run.Run.SuiteId)} on {Escape(run.Run.ModelAlias)}").AppendLine();
            md.AppendLine($"Run `{run.Run.Id}`, {s.Results} results: {s.Passed} passed, {s.Failed} failed, {s.Errors} errors{(s.Cached > 0 ? $", {s.Cached} from cache" : "")}.").AppendLine();
            md.AppendLine("| metric | mean | 95% interval | cases |").AppendLine("|---|---|---|---|");
            foreach (MetricLine m in run.Metrics)
            {
                md.AppendLine($"| {Escape(m.Metric)} | {F(m.Mean.Estimate)} | {Interval(m.Mean)} | {m.Mean.Count} |");
            }

            md.AppendLine();
            if (run.Failures.Count > 0)
            {
                md.AppendLine("<details><summary>Failing cases</summary>").AppendLine();
                foreach (var f in run.Failures.Take(50))
                {
                    string why = f.Error ?? string.Join("; ", f.Metrics.Where(m => !m.Passed).Select(m => $"{m.Metric}: {m.Reason}"));
                    md.AppendLine($"- `{Escape(f.CaseId)}`: {Escape(OneLine(why))}");
                }

                md.AppendLine().AppendLine("</details>").AppendLine();
            }
        }

        return md.ToString();
    }

    private static string Verdict(ComparisonVerdict v) => v switch
    {
        ComparisonVerdict.Improved => "improved",
        ComparisonVerdict.Regressed => "**regressed**",
        ComparisonVerdict.NoData => "no data",
        _ => "no change",
    };

    /// <summary>Model and user text must not become Markdown or HTML.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char ch in OneLine(text, 400))
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '<' or '>')
            {
                sb.Append('\\');
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }
}
