using Tailor.Moderation;
using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Cli.Rendering;
using Tailor.Evals.Suites;
using Tailor.Spec;
using Tailor.Spec.Coverage;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor spec coverage</c>: for each objective and policy, the suites, cases, gates, moderation rules
/// and dataset examples that name it. <c>--require-full</c> turns an uncovered clause into a failed check.
/// </summary>
internal static class SpecCoverageCommand
{
    public static Command Create(CliEnvironment env)
    {
        var json = new Option<bool>("--json") { Description = "Print the coverage as JSON" };
        var requireFull = new Option<bool>("--require-full")
        {
            Description = "Exit 1 when an objective has no eval case, or a policy has neither an eval case nor a moderation rule",
        };
        var command = new Command("coverage", "Show what covers each objective and policy: suites, cases, gates, moderation rules, dataset examples");
        command.Options.Add(json);
        command.Options.Add(requireFull);
        command.SetAction((parse, ct) => Task.FromResult(Run(env, parse, parse.GetValue(json), parse.GetValue(requireFull), ct)));
        return command;
    }

    private static int Run(CliEnvironment env, ParseResult parse, bool json, bool requireFull, CancellationToken ct)
    {
        var project = Project.Load(parse, env);
        var report = SpecCoverage.Compute(project.Spec, ct, (suiteFile, token) => CaseFileRows(project.Spec, suiteFile, token));
        var uncovered = report.Clauses.Where(IsUncovered).Select(c => c.Id).ToList();

        if (json)
        {
            WriteJson(env, report, uncovered);
        }
        else
        {
            DiagnosticRenderer.Write(env.Error, report.Problems.Select(p => p with { File = project.Spec.ResolvePath(p.File) }), env.WorkingDirectory);
            Render(env, report);
            if (uncovered.Count > 0)
            {
                env.Out.MarkupLine($"[yellow]not covered:[/] {Markup.Escape(string.Join(", ", uncovered))}");
            }
        }
        return requireFull && uncovered.Count > 0 ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }

    /// <summary>The rows of a suite's case files, read by the evals loader; rows it rejects are left to <c>tailor eval run</c> to report.</summary>
    private static IEnumerable<CaseRow> CaseFileRows(TailorSpec spec, string suiteFile, CancellationToken ct)
    {
        if (SuiteLoader.Load(suiteFile, spec.ProjectDirectory, spec).Suite is not { CaseFiles.Count: > 0 } suite)
        {
            yield break;
        }

        // The suite's own cases come first; the outline already counted them.
        foreach (EvalCase row in SuiteCases.ReadAllAsync(suite, _ => { }, ct).ToBlockingEnumerable(ct).Skip(suite.Cases.Count))
        {
            // Location is "<case file>:<line>".
            int colon = row.Location.LastIndexOf(':');
            int line = colon > 0 && int.TryParse(row.Location.AsSpan(colon + 1), out int n) ? n : 0;
            yield return new CaseRow(row.Id, row.Tags, colon > 0 ? row.Location[..colon] : row.Location, line);
        }
    }

    /// <summary>An objective needs an eval case; a policy needs an eval case or a moderation rule enforcing it.</summary>
    private static bool IsUncovered(ClauseCoverage clause) =>
        clause.Cases.Count == 0 && (clause.Kind == ClauseKind.Objective || clause.ModerationRules.Count == 0);

    private static void Render(CliEnvironment env, SpecCoverageReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("kind").AddColumn("id").AddColumn(new TableColumn("suites").RightAligned())
            .AddColumn(new TableColumn("cases").RightAligned()).AddColumn(new TableColumn("gates").RightAligned())
            .AddColumn(new TableColumn("moderation rules").RightAligned()).AddColumn(new TableColumn("dataset examples").RightAligned());
        foreach (var clause in report.Clauses)
        {
            string id = IsUncovered(clause) ? $"[yellow]{Markup.Escape(clause.Id)}[/]" : Markup.Escape(clause.Id);
            table.AddRow(
                clause.Kind == ClauseKind.Objective ? "objective" : "policy",
                id,
                Count(clause.Suites.Count),
                Count(clause.Cases.Count),
                Count(clause.Gates.Count),
                clause.Kind == ClauseKind.Policy ? Count(clause.ModerationRules.Count) : "[grey]n/a[/]",
                Count(clause.DatasetExamples));
        }
        env.Out.Write(table);
        foreach (var dataset in report.Datasets.Where(d => d.Skipped > 0 || !d.Found))
        {
            string note = dataset.Found ? $"{dataset.Skipped} unreadable line(s) skipped" : "not found";
            env.Out.MarkupLine($"[grey]{Markup.Escape(dataset.File)}: {Markup.Escape(note)}[/]");
        }
    }

    private static string Count(long n) => n == 0 ? "[grey]0[/]" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteJson(CliEnvironment env, SpecCoverageReport report, List<string> uncovered)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("clauses");
            foreach (var c in report.Clauses)
            {
                w.WriteStartObject();
                w.WriteString("id", c.Id);
                w.WriteString("kind", c.Kind == ClauseKind.Objective ? "objective" : "policy");
                w.WriteBoolean("covered", !uncovered.Contains(c.Id));
                WriteStrings(w, "suites", c.Suites);
                w.WriteStartArray("cases");
                foreach (var k in c.Cases)
                {
                    w.WriteStartObject();
                    w.WriteString("suite", k.SuiteId);
                    w.WriteString("case", k.CaseId);
                    w.WriteString("file", k.File);
                    w.WriteNumber("line", k.Line);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteStrings(w, "gates", c.Gates);
                w.WriteStartArray("moderation_rules");
                foreach (var r in c.ModerationRules)
                {
                    w.WriteStartObject();
                    w.WriteString("category", r.Category);
                    w.WriteString("direction", r.Direction.ToString().ToLowerInvariant());
                    w.WriteString("action", r.Action.ToString().ToLowerInvariant());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("dataset_examples", c.DatasetExamples);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("suites");
            foreach (var suite in report.Suites)
            {
                w.WriteStartObject();
                w.WriteString("id", suite.Id);
                w.WriteString("file", suite.File);
                w.WriteNumber("cases", suite.Cases);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("problems");
            foreach (var p in report.Problems)
            {
                w.WriteStringValue(p.ToString());
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
