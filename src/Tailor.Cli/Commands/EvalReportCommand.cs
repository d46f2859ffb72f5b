using System.CommandLine;
using Tailor.Evals.Reports;
using Tailor.Evals.Results;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor eval report [run]</c>: a stored run as a console table, JSON, JUnit XML, Markdown or HTML.</summary>
internal static class EvalReportCommand
{
    private static readonly string[] Formats = ["table", "json", "junit", "markdown", "html"];

    public static Command Create(CliEnvironment env)
    {
        var run = new Argument<string?>("run") { Description = "Run id, unique prefix or model alias (default: the newest run)", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--format", "-f") { Description = "table, json, junit, markdown or html", DefaultValueFactory = _ => "table" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        format.AcceptOnlyFromAmong(Formats);
        var command = new Command("report", "Show or export the report of a stored run");
        command.Arguments.Add(run);
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
            EvalRun target = parse.GetValue(run) is { } reference
                ? await workspace.ResolveRunAsync(reference, null, ct)
                : await workspace.Evals.ListRunsAsync(new EvalRunQuery { Limit = 1 }, ct).FirstOrDefaultAsync(ct)
                    ?? throw new CliException("no eval runs in the store yet", "run one: tailor eval run");
            var report = new EvalReport
            {
                Title = $"Tailor eval: {target.SuiteId} on {target.ModelAlias}",
                Runs = [await RunReport.BuildAsync(workspace.Evals, target, cancellationToken: ct)],
                GeneratedAt = env.TimeProvider.GetUtcNow(),
            };
            string? file = parse.GetValue(output);
            string chosen = parse.GetValue(format)!;
            if (chosen == "table")
            {
                EvalTables.WriteRun(env, report.Runs[0]);
                return ExitCodes.Ok;
            }

            if (chosen == "junit")
            {
                if (file is null)
                {
                    using var buffer = new MemoryStream();
                    await JUnitReportWriter.WriteAsync(report, workspace.Evals, buffer, ct);
                    env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                }
                else
                {
                    await using var stream = File.Create(workspace.Resolve(file));
                    await JUnitReportWriter.WriteAsync(report, workspace.Evals, stream, ct);
                }

                return ExitCodes.Ok;
            }

            string text = chosen switch
            {
                "json" => JsonReportWriter.ToJson(report),
                "markdown" => MarkdownReportWriter.Write(report),
                _ => HtmlReportWriter.Write(report),
            };
            if (file is null)
            {
                env.WriteRawLine(text);
            }
            else
            {
                await File.WriteAllTextAsync(workspace.Resolve(file), text, ct);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
