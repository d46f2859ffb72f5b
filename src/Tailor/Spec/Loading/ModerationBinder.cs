using System.Text.RegularExpressions;
using Tailor.Moderation;
using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>moderation:</c>: which directions are moderated, the classifiers, per-category thresholds, how
/// classifiers combine, failure handling, the streaming look-ahead, and overrides per route.
/// </summary>
internal sealed partial class ModerationBinder(SpecReadContext context, References references)
{
    private static readonly string[] SectionKeys = ["input", "output", "classifiers", "thresholds", "combine", "block_on_error", "streaming", "routes", "log_redacted_input"];
    private static readonly string[] ClassifierKeys = ["type", "model", "path", "base_url", "api_key_env", "thresholds"];
    private static readonly string[] ClassifierTypes = ["local", "llm-guard", "mistral", "openai", "detectors"];
    private static readonly string[] CombineModes = ["any", "max"];
    private static readonly string[] StreamingKeys = ["lookahead", "check_every", "context"];
    private static readonly string[] RouteKeys = ["input", "output", "thresholds", "policies"];
    private static readonly string[] ActionKeys = ["input", "output"];

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
            Thresholds = ReadThresholds(section, "thresholds"),
            Combine = ReadCombine(section),
            BlockOnError = section.Bool("block_on_error") ?? false,
            Streaming = ReadStreaming(section),
            Routes = ReadRoutes(section),
            LogRedactedInput = section.Bool("log_redacted_input") ?? false,
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
            MappingReader? classifier = MappingReader.Open(context, list.Items[i], field, "a classifier (type:, model:, path:)", ClassifierKeys,
                key => SecretKeys.ForModel(key, "MISTRAL_API_KEY"));
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
                case "local" when path is not null:
                    context.RequireFile(path, classifier.Field("path"), SpecSeverity.Warning, "classifier file",
                        "train one with 'tailor moderation train', or remove path: to use the model shipped with Tailor");
                    break;
            }

            Uri? baseUrl = ReadVendorUrl(classifier, type);
            string? keyVariable = ReadVendorKey(classifier, type);
            classifiers.Add(new ClassifierSpec
            {
                Type = type,
                Model = model?.Value,
                Path = path?.Value,
                BaseUrl = baseUrl,
                ApiKeyEnv = keyVariable,
                Thresholds = ReadThresholds(classifier, "thresholds"),
            });
        }

        return classifiers;
    }

    private Uri? ReadVendorUrl(MappingReader classifier, string type)
    {
        SourceScalar? node = classifier.Scalar("base_url");
        if (node is null)
        {
            return null;
        }

        string field = classifier.Field("base_url");
        if (type is not ("mistral" or "openai"))
        {
            context.Warning(node, field, $"base_url is ignored by a '{type}' classifier", "only mistral and openai classifiers call an API of their own");
            return null;
        }

        if (Uri.TryCreate(node.Value, UriKind.Absolute, out Uri? url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        context.Error(node, field, $"base_url must be an absolute http:// or https:// URL, got {node.Describe()}",
            type == "mistral" ? "e.g. base_url: https://api.mistral.ai/v1" : "e.g. base_url: https://api.openai.com/v1");
        return null;
    }

    private string? ReadVendorKey(MappingReader classifier, string type)
    {
        SourceScalar? node = classifier.Scalar("api_key_env");
        if (node is null)
        {
            return null;
        }

        string field = classifier.Field("api_key_env");
        if (!EnvironmentVariableName().IsMatch(node.Value))
        {
            context.Error(node, field, "api_key_env must be the NAME of an environment variable (letters, digits, _), not the key",
                type == "openai" ? "e.g. api_key_env: OPENAI_API_KEY" : "e.g. api_key_env: MISTRAL_API_KEY");
            return null;
        }

        if (type is not ("mistral" or "openai"))
        {
            context.Warning(node, field, $"api_key_env is ignored by a '{type}' classifier",
                type == "llm-guard" ? "the guard model's key is set on its entry under models:" : "it runs in-process and needs no key");
            return null;
        }

        return node.Value;
    }

    private ModerationCombineMode ReadCombine(MappingReader section)
    {
        SourceScalar? node = section.Scalar("combine");
        switch (node?.Value.Trim().ToLowerInvariant())
        {
            case null:
            case "any":
                return ModerationCombineMode.Any;
            case "max":
                return ModerationCombineMode.Max;
            default:
                string? meant = node!.Value.Trim().ToLowerInvariant() switch
                {
                    "maximum" or "highest" or "max_score" => "max",
                    "or" or "either" or "union" => "any",
                    var other => Spelling.Closest(other, CombineModes),
                };
                context.Error(node, section.Field("combine"), $"unknown combine mode '{node.Value}'",
                    meant is not null ? $"did you mean '{meant}'?" : "use any (each classifier's own threshold) or max (the highest score against one threshold)");
                return ModerationCombineMode.Any;
        }
    }

    private ModerationStreamingSpec ReadStreaming(MappingReader section)
    {
        MappingReader? streaming = section.Mapping("streaming", "the streaming look-ahead (lookahead:, check_every:, context:)", StreamingKeys);
        var defaults = new ModerationStreamingSpec();
        if (streaming is null)
        {
            return defaults;
        }

        return new ModerationStreamingSpec
        {
            Lookahead = (int?)streaming.Integer("lookahead", 0, 100_000, "0 to 100000 characters") ?? defaults.Lookahead,
            CheckEvery = (int?)streaming.Integer("check_every", 1, 100_000, "1 to 100000 characters") ?? defaults.CheckEvery,
            Context = (int?)streaming.Integer("context", 0, 100_000, "0 to 100000 characters") ?? defaults.Context,
        };
    }

    private Dictionary<string, ModerationRouteSpec> ReadRoutes(MappingReader section)
    {
        var routes = new Dictionary<string, ModerationRouteSpec>(StringComparer.Ordinal);
        MappingReader? map = section.Mapping("routes", "a mapping of route names (model aliases) to overrides", knownKeys: null);
        if (map is null)
        {
            return routes;
        }

        foreach ((string name, SourceScalar nameNode, SourceNode value) in map.Entries)
        {
            references.Expect(ReferenceKind.Model, nameNode, map.Field(name));
            MappingReader? route = MappingReader.Open(context, value, map.Field(name), "route overrides (input:, output:, thresholds:, policies:)", RouteKeys);
            if (route is null)
            {
                continue;
            }

            routes[name] = new ModerationRouteSpec
            {
                Input = route.Bool("input"),
                Output = route.Bool("output"),
                Thresholds = ReadThresholds(route, "thresholds"),
                Policies = ReadPolicyOverrides(route),
            };
        }

        return routes;
    }

    private Dictionary<string, PolicyActionOverride> ReadPolicyOverrides(MappingReader route)
    {
        var overrides = new Dictionary<string, PolicyActionOverride>(StringComparer.Ordinal);
        MappingReader? map = route.Mapping("policies", "a mapping of policy ids to actions (no-pii: { output: redact })", knownKeys: null);
        if (map is null)
        {
            return overrides;
        }

        foreach ((string id, SourceScalar idNode, SourceNode value) in map.Entries)
        {
            references.Expect(ReferenceKind.Clause, idNode, map.Field(id));
            MappingReader? actions = MappingReader.Open(context, value, map.Field(id), "the policy's actions on this route (input:, output:)", ActionKeys);
            if (actions is null)
            {
                continue;
            }

            overrides[id] = new PolicyActionOverride { Input = ReadAction(actions, "input"), Output = ReadAction(actions, "output") };
        }

        return overrides;
    }

    private PolicyAction? ReadAction(MappingReader actions, string key)
    {
        SourceScalar? node = actions.Scalar(key);
        if (node is null)
        {
            return null;
        }

        if (PolicyActions.TryParse(node.Value, out PolicyAction action))
        {
            return action;
        }

        context.Error(node, actions.Field(key), $"unknown action '{node.Value}': expected allow, flag, redact or block", PolicyActions.Hint(node.Value));
        return null;
    }

    private Dictionary<string, double> ReadThresholds(MappingReader section, string key)
    {
        var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
        MappingReader? map = section.Mapping(key, "a mapping of moderation categories to scores (self_harm: 0.3)", knownKeys: null);
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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentVariableName();
}
