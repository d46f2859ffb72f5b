using Spectre.Console;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Reports;
using static Tailor.Cli.Commands.EvalWorkspace;

namespace Tailor.Cli.Commands;

/// <summary>The console tables of the eval commands; every value from a run is escaped before Spectre sees it.</summary>
internal static class EvalTables
{
    public static void WriteRun(CliEnvironment env, RunReport report)
    {
        var s = report.Summary;
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{report.Run.SuiteId} on {report.Run.ModelAlias} · run {report.Run.Id}"))
            .AddColumn("metric").AddColumn(new TableColumn("mean").RightAligned()).AddColumn(new TableColumn("95% interval").RightAligned()).AddColumn(new TableColumn("cases").RightAligned());
        foreach (MetricLine m in report.Metrics)
        {
            table.AddRow(Markup.Escape(m.Metric), Number(m.Mean.Estimate), $"{Number(m.Mean.Lower)} to {Number(m.Mean.Upper)}", m.Mean.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        env.Out.Write(table);
        env.Out.MarkupLine($"{s.Results} results: [green]{s.Passed} passed[/], [red]{s.Failed} failed[/], {s.Errors} errors{(s.Cached > 0 ? $", {s.Cached} from cache" : "")}");
        foreach (var f in report.Failures.Take(10))
        {
            string why = f.Error ?? string.Join("; ", f.Metrics.Where(m => !m.Passed).Select(m => $"{m.Metric}: {m.Reason}"));
            env.Out.MarkupLine($"  [red]✗[/] {Markup.Escape(f.CaseId)} [grey]{Markup.Escape(f.Location ?? "")}[/] {Markup.Escape(Short(why))}");
        }

        if (s.Failed + s.Errors > 10)
        {
            env.Out.MarkupLine($"  [grey]... and {s.Failed + s.Errors - 10} more (tailor eval report {report.Run.Id[..10]} --format html -o report.html)[/]");
        }
    }

    public static void WriteComparison(CliEnvironment env, RunComparison c)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{c.Candidate.Run.ModelAlias} vs {c.Baseline.Run.ModelAlias} on {c.Baseline.Run.SuiteId}"))
            .AddColumn("metric").AddColumn("tag").AddColumn(new TableColumn("baseline").RightAligned()).AddColumn(new TableColumn("candidate").RightAligned())
            .AddColumn(new TableColumn("difference").RightAligned()).AddColumn(new TableColumn($"{Number(c.Confidence * 100, "0.#")}% interval").RightAligned()).AddColumn("verdict");
        foreach (MetricComparison m in c.Metrics.Concat(c.Slices.Where(x => x.Verdict == ComparisonVerdict.Regressed || !RunSummary.IsBuiltIn(x.Metric))))
        {
            string verdict = m.Verdict switch
            {
                ComparisonVerdict.Regressed => "[red]regressed[/]",
                ComparisonVerdict.Improved => "[green]improved[/]",
                ComparisonVerdict.NoData => "[grey]no data[/]",
                _ => "no change",
            };
            table.AddRow(Markup.Escape(m.Metric), Markup.Escape(m.Slice ?? "all"), Number(m.Baseline.Estimate), Number(m.Candidate.Estimate),
                (m.Difference.Estimate > 0 ? "+" : "") + Number(m.Difference.Estimate), $"{Number(m.Difference.Lower)} to {Number(m.Difference.Upper)}", verdict);
        }

        env.Out.Write(table);
        if (c.Pairwise is { } p)
        {
            env.Out.MarkupLine($"pairwise judging (both orders): [green]{p.Wins} wins[/], {p.Ties} ties, [red]{p.Losses} losses[/], win rate {Number(p.WinRate)}");
        }
    }

    public static void WriteGates(CliEnvironment env, IReadOnlyList<GateResult> gates)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("gates")
            .AddColumn("gate").AddColumn("metric").AddColumn("requirement").AddColumn(new TableColumn("observed").RightAligned()).AddColumn("result");
        foreach (GateResult g in gates)
        {
            table.AddRow(Markup.Escape(g.GateId), Markup.Escape(g.Metric + (g.Slice is null ? "" : $" [{g.Slice}]")), Markup.Escape(g.Requirement),
                g.Observed is { } o ? Number(o.Estimate) : "n/a", g.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        }

        env.Out.Write(table);
        foreach (GateResult g in gates)
        {
            env.Out.MarkupLine($"  {(g.Passed ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(g.GateId)}: {Markup.Escape(g.Message)}");
        }
    }

    private static string Short(string text)
    {
        string one = text.ReplaceLineEndings(" ");
        return one.Length > 140 ? one[..137] + "..." : one;
    }
}
