using Tailor.Spec.Files;
using Tailor.Spec.Loading;
using Tailor.Spec.Yaml;

namespace Tailor.Spec;

/// <summary>
/// Loads and validates <c>tailor.yaml</c>, and the prompt and suite files it names, reporting every
/// problem in one pass with its file, line, column and field.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. A YAML syntax error ends the pass (nothing after it can be trusted);
/// any other problem is reported and reading continues. See docs/spec.md for every rule.
/// </remarks>
public static class SpecLoader
{
    /// <summary>
    /// Loads the spec at <paramref name="path"/>. Never throws for bad input: a missing, unreadable,
    /// non-UTF-8, malformed or invalid file yields diagnostics and a null <see cref="SpecLoadResult.Spec"/>.
    /// </summary>
    /// <param name="path">Path of tailor.yaml; diagnostics show it as given (relative stays relative).</param>
    public static SpecLoadResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var context = new SpecReadContext(path, Path.GetFullPath(path));
        TailorSpec? spec = Read(context);

        SpecDiagnostic[] ordered = context.Diagnostics
            .OrderBy(d => d.File == context.File ? 0 : 1)
            .ThenBy(d => d.File, StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ToArray();
        return new SpecLoadResult(spec, ordered);
    }

    private static TailorSpec? Read(SpecReadContext context)
    {
        if (!TextFiles.TryReadUtf8(context.FullPath, out string text, out FileProblem? problem))
        {
            context.Report(context.File, problem!.At, "", problem.Message, problem.Hint, SpecSeverity.Error);
            return null;
        }

        SourceParseResult parsed = SourceDocumentReader.Read(text);
        foreach (YamlProblem yamlProblem in parsed.Problems)
        {
            context.Report(context.File, yamlProblem.At, "", yamlProblem.Message, yamlProblem.Hint, SpecSeverity.Error);
        }

        if (parsed.IsEmpty)
        {
            context.Report(context.File, null, "", "the file is empty", "a spec needs at least a name, e.g. name: support-bot", SpecSeverity.Error);
            return null;
        }

        return parsed.Root is null ? null : SpecBinder.Bind(context, parsed.Root);
    }
}
