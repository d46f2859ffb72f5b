using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>gates:</c>, the launch criteria: each needs a threshold (min, max or a comparison);
/// compared models must be aliases and <c>serves</c> must name objectives or policies.
/// </summary>
internal sealed class GateBinder(SpecReadContext context, References references)
{
    private static readonly string[] GateKeys = ["id", "description", "suite", "metric", "slice", "min", "max", "compare", "serves"];
    private static readonly string[] CompareKeys = ["baseline", "candidate", "margin", "confidence"];

    public IReadOnlyList<GateSpec> Read(MappingReader root)
    {
        var gates = new List<GateSpec>();
        SourceSequence? list = root.Sequence("gates", "a list of gates ('- id: ...' items)");
        if (list is null)
        {
            return gates;
        }

        var ids = new Dictionary<string, SourceScalar>(StringComparer.Ordinal);
        for (int i = 0; i < list.Items.Count; i++)
        {
            string field = FieldPath.Index("gates", i);
            MappingReader? gate = MappingReader.Open(context, list.Items[i], field, "a gate (id:, metric:, min:/max:/compare:, ...)", GateKeys);
            if (gate is null)
            {
                continue;
            }

            string id = ReadId(gate, ids);
            if (gate.Scalar("suite") is { } suite)
            {
                references.Expect(ReferenceKind.Suite, suite, gate.Field("suite"));
            }

            double? min = gate.Number("min", NumberRange.Any);
            double? max = gate.Number("max", NumberRange.Any);
            if (min > max)
            {
                context.Error(gate.Value("min")!, gate.Field("min"),
                    $"min ({ScalarValues.Format(min.Value)}) is greater than max ({ScalarValues.Format(max.Value)}): no result can pass");
            }

            if (!gate.Has("min") && !gate.Has("max") && !gate.Has("compare"))
            {
                context.Error(gate.Node, field, "a gate needs a threshold: min, max or compare",
                    "e.g. min: 0.9, or compare: {baseline: baseline, candidate: candidate, margin: 0.02}");
            }

            var serves = new List<string>();
            foreach (ListItem served in gate.TextList("serves", "objective or policy ids") ?? [])
            {
                references.Expect(ReferenceKind.Clause, served.Node, served.Field);
                serves.Add(served.Value);
            }

            gates.Add(new GateSpec
            {
                Id = id,
                Description = gate.Text("description"),
                Suite = gate.Text("suite"),
                Metric = gate.Text("metric", required: true, "the scorer metric the gate reads, e.g. metric: accuracy") ?? "",
                Slice = gate.Text("slice"),
                Min = min,
                Max = max,
                Compare = ReadCompare(gate),
                Serves = serves,
            });
        }

        return gates;
    }

    private string ReadId(MappingReader gate, Dictionary<string, SourceScalar> ids)
    {
        SourceScalar? idNode = gate.Scalar("id", required: true, "e.g. id: no-regression");
        if (idNode is null)
        {
            return "";
        }

        if (!SpecIds.IsValid(idNode.Value))
        {
            context.Error(idNode, gate.Field("id"), $"invalid id '{idNode.Value}': {SpecIds.Rule}", $"try '{SpecIds.Fix(idNode.Value)}'");
        }
        else if (!ids.TryAdd(idNode.Value, idNode))
        {
            context.Error(idNode, gate.Field("id"), $"duplicate gate id '{idNode.Value}': the gate on line {ids[idNode.Value].Start.Line} already uses it");
        }

        return idNode.Value;
    }

    private GateComparison? ReadCompare(MappingReader gate)
    {
        MappingReader? compare = gate.Mapping("compare", "a comparison (baseline:, candidate:, margin:, confidence:)", CompareKeys);
        if (compare is null)
        {
            return null;
        }

        SourceScalar? baseline = compare.Scalar("baseline", required: true, "the model alias to compare against, e.g. baseline: baseline");
        SourceScalar? candidate = compare.Scalar("candidate", required: true, "the model alias under test, e.g. candidate: candidate");
        if (baseline is not null)
        {
            references.Expect(ReferenceKind.Model, baseline, compare.Field("baseline"));
        }

        if (candidate is not null)
        {
            references.Expect(ReferenceKind.Model, candidate, compare.Field("candidate"));
            if (baseline?.Value == candidate.Value)
            {
                context.Error(candidate, compare.Field("candidate"), $"baseline and candidate are both '{candidate.Value}': a model cannot be compared with itself");
            }
        }

        return new GateComparison
        {
            Baseline = baseline?.Value ?? "",
            Candidate = candidate?.Value ?? "",
            Margin = compare.Number("margin", NumberRange.NonNegative) ?? 0,
            Confidence = compare.Number("confidence", NumberRange.OpenUnit) ?? 0.95,
        };
    }
}
