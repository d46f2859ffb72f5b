using System.Xml.Linq;
using Tailor.Evals.Comparison;
using Tailor.Evals.Gates;
using Tailor.Evals.Reports;
using Tailor.Evals.Running;
using Tailor.Testing;

namespace Tailor.Tests.Evals;

/// <summary>Reports carry hostile model text safely: HTML-encoded, valid XML, escaped Markdown.</summary>
public sealed class ReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Hostile = "</pre><script>alert('x')</script> | **bold** \u0001\u0007 ]]> & done";

    [Fact]
    public async Task Model_text_cannot_break_out_of_the_html_junit_or_markdown_reports()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.Text(Hostile);
        await using var project = EvalProject.Create(server.BaseUrl);
        project.Write("evals/s.yaml", "id: s\ncases:\n  - {id: a, input: hi, expected: never, tags: [answer]}\n  - {id: b, input: ho, expected: never}\n");
        var outcome = await new EvalRunner(new EvalRunnerOptions()).RunAsync(project.LoadSuite("evals/s.yaml"), project.Target(), project.Evals, cancellationToken: Ct);
        var run = await RunReport.BuildAsync(project.Evals, outcome.Run, cancellationToken: Ct);
        var summary = run.Summary;
        var report = new EvalReport
        {
            Runs = [run],
            Comparison = RunComparison.Compute(summary, summary),
            Gates = [GateEvaluator.CheckAbsolute(new Tailor.Spec.GateSpec { Id = "q", Metric = "accuracy", Min = 0.5 }, summary)],
        };

        string html = HtmlReportWriter.Write(report);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;/pre&gt;&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Equal(2, run.Failures.Count);

        using var buffer = new MemoryStream();
        await JUnitReportWriter.WriteAsync(report, project.Evals, buffer, Ct);
        buffer.Position = 0;
        var xml = XDocument.Load(buffer);
        Assert.Equal(2, xml.Descendants("failure").Count(f => f.Parent!.Attribute("classname")!.Value == "s.baseline"));
        Assert.Contains("</script>", xml.Descendants("failure").First().Value, StringComparison.Ordinal);

        string md = MarkdownReportWriter.Write(report);
        Assert.DoesNotContain("<script>", md, StringComparison.Ordinal);
        Assert.Contains("**1 of 1 gates failed.**", md, StringComparison.Ordinal);

        string json = JsonReportWriter.ToJson(report);
        Assert.Contains("\\u003Cscript\\u003E", json, StringComparison.Ordinal);
    }
}
