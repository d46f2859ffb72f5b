using Tailor.Spec.Yaml;

namespace Tailor.Spec.Files;

/// <summary>
/// Reads a <see cref="SuiteOutline"/> from a suite file (<c>{id, tags, cases: [{id, tags, ...}]}</c>),
/// tolerating every key it does not need; the suite's id defaults to the file name without extension.
/// </summary>
internal static class SuiteOutlineReader
{
    public static SuiteOutline? Read(string fullPath, out FileProblem? problem)
    {
        if (!TextFiles.TryReadUtf8(fullPath, out string text, out problem))
        {
            return null;
        }

        SourceParseResult parsed = SourceDocumentReader.Read(text);
        if (parsed.Problems.Count > 0)
        {
            YamlProblem first = parsed.Problems[0];
            problem = new FileProblem(first.Message, first.Hint, first.At);
            return null;
        }

        if (parsed.Root is not SourceMapping root)
        {
            problem = new FileProblem("a suite file holds a mapping (id:, tags:, cases:)", null, parsed.Root?.Start);
            return null;
        }

        string id = Scalar(root, "id") ?? Path.GetFileNameWithoutExtension(fullPath);
        var cases = new List<CaseOutline>();
        if (Child(root, "cases") is SourceSequence caseList)
        {
            for (int i = 0; i < caseList.Items.Count; i++)
            {
                if (caseList.Items[i] is SourceMapping caseNode)
                {
                    string field = $"cases[{i}]";
                    cases.Add(new CaseOutline(Scalar(caseNode, "id") ?? field, caseNode.Start, Tags(caseNode, $"{field}.tags")));
                }
            }
        }

        return new SuiteOutline(id, Tags(root, "tags"), cases, Child(root, "cases_from") is not null);
    }

    private static SourceNode? Child(SourceMapping mapping, string key) =>
        mapping.Entries.FirstOrDefault(e => e.Name == key)?.Value;

    private static string? Scalar(SourceMapping mapping, string key) =>
        Child(mapping, key) is SourceScalar { IsNull: false } scalar ? scalar.Value : null;

    /// <summary>A list of ids, or a single id written without brackets.</summary>
    private static List<TagMention> Tags(SourceMapping mapping, string field) => Child(mapping, "tags") switch
    {
        SourceScalar { IsNull: false } single => [new TagMention(single.Value, single.Start, field)],
        SourceSequence list => list.Items
            .Select((item, i) => (item, i))
            .Where(x => x.item is SourceScalar { IsNull: false })
            .Select(x => new TagMention(((SourceScalar)x.item).Value, x.item.Start, $"{field}[{x.i}]"))
            .ToList(),
        _ => [],
    };
}
