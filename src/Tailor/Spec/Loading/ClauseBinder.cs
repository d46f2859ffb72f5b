using Tailor.Moderation;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>objectives:</c> and <c>policies:</c>. Their ids are traceability ids that suites, cases,
/// gates and dataset examples name, so the two lists share one namespace.
/// </summary>
internal sealed class ClauseBinder(SpecReadContext context)
{
    private static readonly string[] ObjectiveKeys = ["id", "description"];
    private static readonly string[] PolicyKeys = ["id", "description", "categories", "input", "output", "refusal"];

    private readonly Dictionary<string, (string Field, SourceScalar Node)> _ids = new(StringComparer.Ordinal);

    /// <summary>Every objective and policy id read so far.</summary>
    public IReadOnlyCollection<string> Ids => _ids.Keys;

    public IReadOnlyList<Objective> ReadObjectives(MappingReader root)
    {
        var objectives = new List<Objective>();
        foreach ((MappingReader item, _) in Items(root, "objectives", ObjectiveKeys, "an objective (id:, description:)"))
        {
            string id = ReadId(item);
            string description = item.Text("description", required: true, "say in a sentence what the application must do") ?? "";
            objectives.Add(new Objective(id, description));
        }

        return objectives;
    }

    public IReadOnlyList<Policy> ReadPolicies(MappingReader root)
    {
        var policies = new List<Policy>();
        foreach ((MappingReader item, _) in Items(root, "policies", PolicyKeys, "a policy (id:, description:, categories:, ...)"))
        {
            string id = ReadId(item);
            string description = item.Text("description", required: true, "say in a sentence what the application must hold to") ?? "";
            PolicyAction input = ReadAction(item, "input");
            PolicyAction output = ReadAction(item, "output");
            SourceScalar? refusal = item.Scalar("refusal");
            if (refusal is not null && input != PolicyAction.Block && output != PolicyAction.Block)
            {
                context.Warning(refusal, item.Field("refusal"),
                    "the refusal is never shown: neither input nor output is 'block'",
                    "set input: block or output: block, or remove the refusal");
            }

            policies.Add(new Policy
            {
                Id = id,
                Description = description,
                Categories = ReadCategories(item),
                Input = input,
                Output = output,
                Refusal = refusal?.Value,
            });
        }

        return policies;
    }

    private IEnumerable<(MappingReader Item, int Index)> Items(MappingReader root, string key, string[] keys, string itemWords)
    {
        SourceSequence? list = root.Sequence(key, $"a list of {key} ('- id: ...' items)");
        if (list is null)
        {
            yield break;
        }

        for (int i = 0; i < list.Items.Count; i++)
        {
            string field = FieldPath.Index(key, i);
            if (MappingReader.Open(context, list.Items[i], field, itemWords, keys) is { } item)
            {
                yield return (item, i);
            }
        }
    }

    private string ReadId(MappingReader item)
    {
        SourceScalar? idNode = item.Scalar("id", required: true, "ids are how suites, gates and datasets name this clause, e.g. id: answer-billing");
        if (idNode is null)
        {
            return "";
        }

        string id = idNode.Value;
        string field = item.Field("id");
        if (!SpecIds.IsValid(id))
        {
            context.Error(idNode, field, $"invalid id '{id}': {SpecIds.Rule}", $"try '{SpecIds.Fix(id)}'");
        }
        else if (_ids.TryGetValue(id, out var first))
        {
            context.Error(idNode, field,
                $"duplicate id '{id}': {first.Field} on line {first.Node.Start.Line} already uses it",
                "objective and policy ids share one namespace; give each a distinct id");
        }
        else
        {
            _ids.Add(id, (field, idNode));
        }

        return id;
    }

    private IReadOnlyList<string> ReadCategories(MappingReader policy)
    {
        IReadOnlyList<ListItem>? items = policy.TextList("categories", "moderation categories");
        if (items is null)
        {
            return [];
        }

        var categories = new List<string>();
        foreach (ListItem item in items)
        {
            if (!ModerationCategories.IsKnown(item.Value))
            {
                context.Error(item.Node, item.Field, $"unknown moderation category '{item.Value}'", CategoryNames.Hint(item.Value));
            }
            else if (categories.Contains(item.Value))
            {
                context.Warning(item.Node, item.Field, $"category '{item.Value}' is listed twice");
            }
            else
            {
                categories.Add(item.Value);
            }
        }

        return categories;
    }

    private PolicyAction ReadAction(MappingReader policy, string key)
    {
        SourceScalar? node = policy.Scalar(key);
        if (node is null)
        {
            return PolicyAction.Flag;
        }

        if (PolicyActions.TryParse(node.Value, out PolicyAction action))
        {
            return action;
        }

        context.Error(node, policy.Field(key), $"unknown action '{node.Value}': expected allow, flag, redact or block", PolicyActions.Hint(node.Value));
        return PolicyAction.Flag;
    }
}
