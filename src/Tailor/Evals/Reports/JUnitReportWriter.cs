using System.Globalization;
using System.Text;
using System.Xml;
using Tailor.Evals.Gates;
using Tailor.Evals.Results;

namespace Tailor.Evals.Reports;

/// <summary>
/// Writes JUnit XML that CI systems (GitHub Actions, GitLab, Jenkins, Azure DevOps) display: one
/// <c>testsuite</c> per run with a <c>testcase</c> per case sample (streamed from the store), and one
/// <c>testsuite</c> of gates. A failed scorer is a <c>failure</c>, a call without an answer an <c>error</c>.
/// </summary>
public static class JUnitReportWriter
{
    public static async Task WriteAsync(EvalReport report, IEvalStore? store, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var settings = new XmlWriterSettings { Indent = true, Async = true, Encoding = new UTF8Encoding(false) };
        await using var w = XmlWriter.Create(output, settings);
        await w.WriteStartDocumentAsync().ConfigureAwait(false);
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", report.Title);
        foreach (RunReport run in report.Runs)
        {
            var s = run.Summary;
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", $"{run.Run.SuiteId} on {run.Run.ModelAlias}");
            w.WriteAttributeString("id", run.Run.Id);
            w.WriteAttributeString("tests", s.Results.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("failures", s.Failed.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("errors", s.Errors.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("timestamp", run.Run.StartedAt.UtcDateTime.ToString("s", CultureInfo.InvariantCulture));
            if (store is not null)
            {
                await foreach (CaseResult r in store.ReadResultsAsync(run.Run.Id, cancellationToken).ConfigureAwait(false))
                {
                    WriteCase(w, run.Run, r);
                }
            }

            w.WriteEndElement();
        }

        if (report.Gates.Count > 0)
        {
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", "gates");
            w.WriteAttributeString("tests", report.Gates.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("failures", report.Gates.Count(g => !g.Passed).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("errors", "0");
            foreach (GateResult gate in report.Gates)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("classname", "gates");
                w.WriteAttributeString("name", $"{gate.GateId}: {gate.Requirement}");
                if (!gate.Passed)
                {
                    w.WriteStartElement("failure");
                    w.WriteAttributeString("message", gate.Message);
                    w.WriteString(gate.Message);
                    w.WriteEndElement();
                }
                else
                {
                    w.WriteElementString("system-out", gate.Message);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
        await w.WriteEndDocumentAsync().ConfigureAwait(false);
    }

    private static void WriteCase(XmlWriter w, EvalRun run, CaseResult r)
    {
        w.WriteStartElement("testcase");
        w.WriteAttributeString("classname", $"{run.SuiteId}.{run.ModelAlias}");
        w.WriteAttributeString("name", run.Repeat > 1 ? $"{r.CaseId} #{r.Repeat + 1}" : r.CaseId);
        if (r.LatencyMs is { } ms)
        {
            w.WriteAttributeString("time", (ms / 1000).ToString("0.###", CultureInfo.InvariantCulture));
        }

        if (r.Status == CaseStatus.Error)
        {
            w.WriteStartElement("error");
            w.WriteAttributeString("message", Clean(r.Error ?? "no answer"));
            w.WriteEndElement();
        }
        else if (!r.Passed)
        {
            var failed = r.Metrics.Where(m => !m.Passed).ToList();
            string message = string.Join("; ", failed.Select(m => $"{m.Metric}: {m.Reason}"));
            w.WriteStartElement("failure");
            w.WriteAttributeString("message", Clean(ReportFormat.OneLine(message, 500)));
            w.WriteString(Clean($"input: {r.Input.LastOrDefault()?.Text}\noutput: {r.Output}\nexpected: {r.Expected}\n{message}"));
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    /// <summary>XML 1.0 cannot hold most control characters, even escaped; model output sometimes has them.</summary>
    private static string Clean(string text) =>
        string.Create(text.Length, text, (span, t) =>
        {
            for (int i = 0; i < t.Length; i++)
            {
                char c = t[i];
                span[i] = XmlConvert.IsXmlChar(c) || (char.IsSurrogate(c)) ? c : '\uFFFD';
            }
        });
}
