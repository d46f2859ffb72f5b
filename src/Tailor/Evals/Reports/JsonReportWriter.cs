using System.Text.Json;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Statistics;

namespace Tailor.Evals.Reports;

/// <summary>Writes an <see cref="EvalReport"/> as JSON (snake_case, stable shape, NaN as null) for scripts and dashboards.</summary>
public static class JsonReportWriter
{
    public static void Write(EvalReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("title", report.Title);
        w.WriteString("generated_at", report.GeneratedAt);
        w.WriteStartArray("runs");
        foreach (RunReport run in report.Runs)
        {
            WriteRun(w, run);
        }

        w.WriteEndArray();
        if (report.Comparison is { } comparison)
        {
            WriteComparison(w, comparison);
        }

        w.WriteStartArray("gates");
        foreach (GateResult gate in report.Gates)
        {
            WriteGate(w, gate);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string ToJson(EvalReport report)
    {
        using var buffer = new MemoryStream();
        Write(report, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRun(Utf8JsonWriter w, RunReport r)
    {
        var run = r.Run;
        w.WriteStartObject();
        w.WriteString("id", run.Id);
        w.WriteString("suite", run.SuiteId);
        w.WriteString("suite_file", run.SuiteFile);
        w.WriteString("model", run.ModelAlias);
        w.WriteString("model_id", run.ModelId);
        w.WriteString("prompt_version", run.PromptVersion);
        w.WriteString("judge", run.JudgeAlias);
        w.WriteString("status", run.Status.ToString().ToLowerInvariant());
        w.WriteString("started_at", run.StartedAt);
        if (run.CompletedAt is { } completed)
        {
            w.WriteString("completed_at", completed);
        }
        else
        {
            w.WriteNull("completed_at");
        }

        w.WriteString("label", run.Label);
        w.WriteNumber("results", r.Summary.Results);
        w.WriteNumber("passed", r.Summary.Passed);
        w.WriteNumber("failed", r.Summary.Failed);
        w.WriteNumber("errors", r.Summary.Errors);
        w.WriteNumber("cached", r.Summary.Cached);
        w.WriteStartArray("metrics");
        foreach (MetricLine m in r.Metrics.Concat(r.Slices))
        {
            w.WriteStartObject();
            w.WriteString("metric", m.Metric);
            w.WriteString("slice", m.Slice);
            WriteInterval(w, "mean", m.Mean);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("failures");
        foreach (var f in r.Failures)
        {
            w.WriteStartObject();
            w.WriteString("case", f.CaseId);
            w.WriteNumber("repeat", f.Repeat);
            w.WriteString("location", f.Location);
            w.WriteString("status", f.Status.ToString().ToLowerInvariant());
            w.WriteString("error", f.Error);
            w.WriteString("input", f.Input.LastOrDefault()?.Text);
            w.WriteString("output", f.Output);
            w.WriteString("expected", f.Expected);
            w.WriteStartArray("metrics");
            foreach (var m in f.Metrics)
            {
                w.WriteStartObject();
                w.WriteString("metric", m.Metric);
                Number(w, "value", m.Value);
                w.WriteBoolean("passed", m.Passed);
                w.WriteString("reason", m.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteComparison(Utf8JsonWriter w, RunComparison c)
    {
        w.WriteStartObject("comparison");
        w.WriteString("baseline_run", c.Baseline.Run.Id);
        w.WriteString("candidate_run", c.Candidate.Run.Id);
        w.WriteNumber("confidence", c.Confidence);
        if (c.Pairwise is { } p)
        {
            w.WriteStartObject("pairwise");
            w.WriteNumber("wins", p.Wins);
            w.WriteNumber("ties", p.Ties);
            w.WriteNumber("losses", p.Losses);
            Number(w, "win_rate", p.WinRate);
            w.WriteEndObject();
        }

        w.WriteStartArray("metrics");
        foreach (MetricComparison m in c.Metrics.Concat(c.Slices))
        {
            w.WriteStartObject();
            w.WriteString("metric", m.Metric);
            w.WriteString("slice", m.Slice);
            WriteInterval(w, "baseline", m.Baseline);
            WriteInterval(w, "candidate", m.Candidate);
            WriteInterval(w, "difference", m.Difference);
            w.WriteBoolean("lower_is_better", m.LowerIsBetter);
            w.WriteString("verdict", m.Verdict switch
            {
                ComparisonVerdict.Improved => "improved",
                ComparisonVerdict.Regressed => "regressed",
                ComparisonVerdict.NoData => "no_data",
                _ => "no_change",
            });
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGate(Utf8JsonWriter w, GateResult g)
    {
        w.WriteStartObject();
        w.WriteString("gate", g.GateId);
        w.WriteString("description", g.Description);
        w.WriteString("metric", g.Metric);
        w.WriteString("slice", g.Slice);
        w.WriteString("requirement", g.Requirement);
        if (g.Observed is { } observed)
        {
            WriteInterval(w, "observed", observed);
        }
        else
        {
            w.WriteNull("observed");
        }

        w.WriteBoolean("passed", g.Passed);
        w.WriteString("message", g.Message);
        w.WriteStartArray("runs");
        foreach (string run in g.Runs)
        {
            w.WriteStringValue(run);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteInterval(Utf8JsonWriter w, string name, Interval i)
    {
        w.WriteStartObject(name);
        Number(w, "estimate", i.Estimate);
        Number(w, "lower", i.Lower);
        Number(w, "upper", i.Upper);
        w.WriteNumber("confidence", i.Confidence);
        w.WriteNumber("n", i.Count);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
