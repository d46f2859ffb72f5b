using Spectre.Console;
using Tailor.Spec;

namespace Tailor.Cli.Rendering;

/// <summary>Prints spec diagnostics in the compiler style editors and CI understand: <c>file:line:col: error: field: message</c>.</summary>
internal static class DiagnosticRenderer
{
    public static void Write(IAnsiConsole console, IEnumerable<SpecDiagnostic> diagnostics, string workingDirectory)
    {
        foreach (var d in diagnostics)
        {
            string file = Path.GetRelativePath(workingDirectory, d.File);
            string colour = d.Severity == SpecSeverity.Error ? "red" : "yellow";
            string severity = d.Severity == SpecSeverity.Error ? "error" : "warning";
            string field = string.IsNullOrEmpty(d.Field) ? "" : $"{d.Field}: ";
            console.MarkupLine(
                $"{Markup.Escape($"{file}:{d.Line}:{d.Column}")}: [{colour}]{severity}:[/] {Markup.Escape(field + d.Message)}");
            if (!string.IsNullOrWhiteSpace(d.Hint))
            {
                console.MarkupLine($"  [grey]hint:[/] {Markup.Escape(d.Hint)}");
            }
        }
    }
}
