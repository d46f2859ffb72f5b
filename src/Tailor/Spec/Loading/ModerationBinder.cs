using Tailor.Moderation;
using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>Reads <c>moderation:</c>: which directions are moderated, the classifiers, and per-category thresholds.</summary>
internal sealed class ModerationBinder(SpecReadContext context, References references)
{
    private static readonly string[] SectionKeys = ["input", "output", "classifiers", "thresholds"];
    private static readonly string[] ClassifierKeys = ["type", "model", "path"];
    private static readonly string[] ClassifierTypes = ["local", "llm-guard", "mistral", "openai", "detectors"];

    private static readonly Dictionary<string, string> TypesByMeaning = new(StringComparer.OrdinalIgnoreCase)
    {
        ["llama-guard"] = "llm-guard",
        ["llamaguard"] = "llm-guard",
        ["guard"] = "llm-guard",
        ["llm"] = "llm-guard",
        ["regex"] = "detectors",
        ["pii"] = "detectors",
        ["secrets"] = "detectors",
        ["detector"] = "detectors",
        ["onnx"] = "local",
    };

    public ModerationSpec Read(MappingReader root)
    {
        MappingReader? section = root.Mapping("moderation", "the moderation settings (input:, output:, classifiers:, thresholds:)", SectionKeys);
        if (section is null)
        {
            return new ModerationSpec();
        }

        return new ModerationSpec
        {
            Input = section.Bool("input") ?? true,
            Output = section.Bool("output") ?? true,
            Classifiers = ReadClassifiers(section),
            Thresholds = ReadThresholds(section),
        };
    }

    private List<ClassifierSpec> ReadClassifiers(MappingReader section)
    {
        var classifiers = new List<ClassifierSpec>();
        SourceSequence? list = section.Sequence("classifiers", "a list of classifiers ('- type: ...' items)");
        if (list is null)
        {
            return classifiers;
        }

        for (int i = 0; i < list.Items.Count; i++)
        {
            string field = FieldPath.Index(section.Field("classifiers"), i);
            MappingReader? classifier = MappingReader.Open(context, list.Items[i], field, "a classifier (type:, model:, path:)", ClassifierKeys);
            if (classifier is null)
            {
                continue;
            }

            SourceScalar? typeNode = classifier.Scalar("type", required: true, $"one of: {string.Join(", ", ClassifierTypes)}");
            string type = typeNode?.Value.Trim().ToLowerInvariant() ?? "";
            if (typeNode is not null && !ClassifierTypes.Contains(type))
            {
                string hint = TypesByMeaning.TryGetValue(type, out string? meant) ? $"did you mean '{meant}'?" : Spelling.Suggest(type, ClassifierTypes);
                context.Error(typeNode, classifier.Field("type"), $"unknown classifier type '{typeNode.Value}'", hint);
            }

            SourceScalar? model = classifier.Scalar("model");
            SourceScalar? path = classifier.Scalar("path");
            switch (type)
            {
                case "llm-guard" when model is null:
                    classifier.ReportMissing("model", "the alias of the guard model under models:, e.g. model: guard");
                    break;
                case "llm-guard":
                    references.Expect(ReferenceKind.Model, model!, classifier.Field("model"));
                    break;
                case "local" when path is null:
                    classifier.ReportMissing("path", "the trained classifier file, relative to tailor.yaml");
                    break;
                case "local":
                    context.RequireFile(path!, classifier.Field("path"), SpecSeverity.Warning, "classifier file",
                        "it may not be trained yet; until then this classifier cannot run");
                    break;
            }

            classifiers.Add(new ClassifierSpec { Type = type, Model = model?.Value, Path = path?.Value });
        }

        return classifiers;
    }

    private Dictionary<string, double> ReadThresholds(MappingReader section)
    {
        var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
        MappingReader? map = section.Mapping("thresholds", "a mapping of moderation categories to scores (self_harm: 0.3)", knownKeys: null);
        if (map is null)
        {
            return thresholds;
        }

        foreach ((string category, SourceScalar categoryNode, SourceNode value) in map.Entries)
        {
            string field = map.Field(category);
            if (!ModerationCategories.IsKnown(category))
            {
                context.Error(categoryNode, field, $"unknown moderation category '{category}'", CategoryNames.Hint(category));
                continue;
            }

            if (value is not SourceScalar scalar || scalar.IsNull)
            {
                context.Error(value is SourceScalar ? categoryNode : value, field, $"expected a number {NumberRange.Probability.Words}, got {value.Describe()}");
                continue;
            }

            if (map.ReadNumber(scalar, field, NumberRange.Probability) is { } threshold)
            {
                thresholds[category] = threshold;
            }
        }

        return thresholds;
    }
}
