using Tailor.Spec.Files;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// What the loader knows while it reads one tailor.yaml: where the file is (as the user named it,
/// for messages, and in full, for I/O) and every diagnostic found so far.
/// </summary>
internal sealed class SpecReadContext(string displayPath, string fullPath)
{
    private readonly List<SpecDiagnostic> _diagnostics = [];

    /// <summary>The spec file as the caller named it; diagnostics show this path.</summary>
    public string File { get; } = displayPath;

    public string FullPath { get; } = fullPath;

    public string ProjectDirectory { get; } = Path.GetDirectoryName(fullPath) ?? ".";

    public IReadOnlyList<SpecDiagnostic> Diagnostics => _diagnostics;

    public bool HasErrors => _diagnostics.Exists(d => d.Severity == SpecSeverity.Error);

    public void Error(SourceNode at, string field, string message, string? hint = null) =>
        Report(File, at.Start, field, message, hint, SpecSeverity.Error);

    public void Warning(SourceNode at, string field, string message, string? hint = null) =>
        Report(File, at.Start, field, message, hint, SpecSeverity.Warning);

    public void Report(string file, SourceMark? at, string field, string message, string? hint, SpecSeverity severity) =>
        _diagnostics.Add(SpecDiagnostic.At(file, at, field, message, hint, severity));

    /// <summary>A path written in the spec, resolved against the project directory.</summary>
    public string FullPathOf(string specPath) => Path.GetFullPath(Path.Combine(ProjectDirectory, specPath));

    /// <summary>A path written in the spec, as it should appear in messages: beside <see cref="File"/>.</summary>
    public string DisplayPathOf(string specPath) =>
        Path.IsPathRooted(specPath) ? specPath : Path.Combine(Path.GetDirectoryName(File) ?? "", specPath);

    /// <summary>
    /// Checks that <paramref name="pathNode"/> names an existing file; reports with
    /// <paramref name="missingSeverity"/> when it does not. Returns the full path when it exists.
    /// </summary>
    public string? RequireFile(SourceScalar pathNode, string field, SpecSeverity missingSeverity, string what, string? missingHint = null)
    {
        string full = FullPathOf(pathNode.Value);
        if (System.IO.File.Exists(full))
        {
            return full;
        }

        if (Directory.Exists(full))
        {
            Report(File, pathNode.Start, field, $"{what} '{pathNode.Value}' is a directory, not a file", null, SpecSeverity.Error);
            return null;
        }

        string where = Path.IsPathRooted(pathNode.Value) ? "" : $" at {full}";
        Report(File, pathNode.Start, field, $"{what} '{pathNode.Value}' not found{where}", missingHint, missingSeverity);
        return null;
    }

    /// <summary>Reports a file that exists but cannot be read as UTF-8 text, at its own position.</summary>
    public void ReportFileProblem(string specPath, string field, FileProblem problem) =>
        Report(DisplayPathOf(specPath), problem.At, field, problem.Message, problem.Hint, SpecSeverity.Error);
}
