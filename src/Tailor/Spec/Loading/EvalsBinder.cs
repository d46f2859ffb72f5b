using Tailor.Spec.Files;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>evals:</c> and <c>datasets:</c>. Suite files must exist and parse (their ids are what
/// gates name); a dataset that does not exist yet is a warning, since it is often exported later.
/// </summary>
internal sealed class EvalsBinder(SpecReadContext context)
{
    private static readonly string[] EvalsKeys = ["suites"];

    /// <summary>Ids of the suites read; null when a suite could not be read, so gates' suite names cannot be checked.</summary>
    public IReadOnlyCollection<string>? SuiteIds { get; private set; } = [];

    public EvalsSpec ReadEvals(MappingReader root)
    {
        MappingReader? evals = root.Mapping("evals", "the evals settings (suites:)", EvalsKeys);
        IReadOnlyList<ListItem>? suites = evals?.TextList("suites", "suite file paths");
        if (suites is null)
        {
            return new EvalsSpec();
        }

        var ids = new Dictionary<string, ListItem>(StringComparer.Ordinal);
        bool allRead = true;
        foreach (ListItem suite in suites)
        {
            string? fullPath = context.RequireFile(suite.Node, suite.Field, SpecSeverity.Error, "suite file");
            if (fullPath is null)
            {
                allRead = false;
                continue;
            }

            SuiteOutline? outline = SuiteOutlineReader.Read(fullPath, out FileProblem? problem);
            if (outline is null)
            {
                context.ReportFileProblem(suite.Value, suite.Field, problem!);
                allRead = false;
            }
            else if (ids.TryGetValue(outline.Id, out ListItem? first))
            {
                context.Error(suite.Node, suite.Field, $"suite id '{outline.Id}' is also the id of {first.Value} ({first.Field})",
                    "give each suite a distinct id: gates and reports name suites by id");
            }
            else
            {
                ids.Add(outline.Id, suite);
            }
        }

        SuiteIds = allRead ? ids.Keys : null;
        return new EvalsSpec { Suites = suites.Select(s => s.Value).ToArray() };
    }

    public IReadOnlyList<string> ReadDatasets(MappingReader root)
    {
        IReadOnlyList<ListItem>? datasets = root.TextList("datasets", "dataset file paths (JSONL)");
        foreach (ListItem dataset in datasets ?? [])
        {
            context.RequireFile(dataset.Node, dataset.Field, SpecSeverity.Warning, "dataset",
                "it may not be exported yet: 'tailor data export-logs' writes one");
        }

        return datasets?.Select(d => d.Value).ToArray() ?? [];
    }
}
