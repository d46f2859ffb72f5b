using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Cli.Rendering;
using Tailor.Spec;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor spec check</c>: every problem in tailor.yaml and the files it names, with file, line and column.</summary>
internal static class SpecCheckCommand
{
    public static Command Create(CliEnvironment env)
    {
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as JSON" };
        var command = new Command("check", "Validate tailor.yaml and the files it names; exit 1 when it has errors");
        command.Options.Add(json);
        command.SetAction(parse => Run(env, parse, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliEnvironment env, ParseResult parse, bool json)
    {
        string path = Project.Locate(parse.GetValue(TailorCli.ProjectOption), env);
        var result = SpecLoader.Load(path);
        int errors = result.Diagnostics.Count(d => d.Severity == SpecSeverity.Error);
        int warnings = result.Diagnostics.Count - errors;

        if (json)
        {
            WriteJson(env, path, result, errors, warnings);
            return errors > 0 ? ExitCodes.CheckFailed : ExitCodes.Ok;
        }

        DiagnosticRenderer.Write(env.Out, result.Diagnostics, env.WorkingDirectory);
        string file = Path.GetRelativePath(env.WorkingDirectory, path);
        if (errors > 0 || result.Spec is null)
        {
            env.Out.MarkupLine($"[red]✗[/] {Markup.Escape(file)}: {errors} error(s), {warnings} warning(s)");
            return ExitCodes.CheckFailed;
        }

        var spec = result.Spec;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("section").AddColumn("contents");
        table.AddRow("name", Markup.Escape(spec.Name));
        table.AddRow("objectives", Markup.Escape(Ids(spec.Objectives.Select(o => o.Id))));
        table.AddRow("policies", Markup.Escape(Ids(spec.Policies.Select(p => p.Id))));
        table.AddRow("prompts", Markup.Escape(Ids(spec.Prompts.Keys.Select(id => $"{id}@{spec.RenderPrompt(id).Version}"))));
        table.AddRow("models", Markup.Escape(Ids(spec.Models.Values.Select(m => $"{m.Alias} ({m.Provider})"))));
        table.AddRow("eval suites", Markup.Escape(Ids(spec.Evals.Suites)));
        table.AddRow("gates", Markup.Escape(Ids(spec.Gates.Select(g => g.Id))));
        env.Out.Write(table);
        env.Out.MarkupLine($"[green]✓[/] {Markup.Escape(file)} is valid" + (warnings > 0 ? $" ({warnings} warning(s))" : ""));
        return ExitCodes.Ok;
    }

    private static string Ids(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return list.Count == 0 ? "-" : string.Join(", ", list);
    }

    private static void WriteJson(CliEnvironment env, string path, SpecLoadResult result, int errors, int warnings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("file", path);
            writer.WriteBoolean("valid", errors == 0 && result.Spec is not null);
            writer.WriteNumber("errors", errors);
            writer.WriteNumber("warnings", warnings);
            writer.WriteStartArray("diagnostics");
            foreach (var d in result.Diagnostics)
            {
                writer.WriteStartObject();
                writer.WriteString("severity", d.Severity == SpecSeverity.Error ? "error" : "warning");
                writer.WriteString("file", d.File);
                writer.WriteNumber("line", d.Line);
                writer.WriteNumber("column", d.Column);
                writer.WriteString("field", d.Field);
                writer.WriteString("message", d.Message);
                writer.WriteString("hint", d.Hint);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
