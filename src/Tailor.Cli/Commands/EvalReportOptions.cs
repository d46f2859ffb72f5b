using System.CommandLine;

namespace Tailor.Cli.Commands;

/// <summary>The report-file options several eval commands share: <c>--json</c>, <c>--junit</c>, <c>--markdown</c>, <c>--html</c>.</summary>
internal sealed class EvalReportOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON on standard output" };
    public Option<string?> JUnit { get; } = new("--junit") { Description = "Also write JUnit XML for CI to this file" };
    public Option<string?> Markdown { get; } = new("--markdown") { Description = "Also write a Markdown summary to this file" };
    public Option<string?> Html { get; } = new("--html") { Description = "Also write a self-contained HTML report with charts to this file" };

    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(JUnit);
        command.Options.Add(Markdown);
        command.Options.Add(Html);
    }
}
