using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Spec;
using Tailor.Spec.Files;
using Tailor.Spec.Loading;
using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Evals.Suites;

/// <summary>
/// Reads an eval suite file (format in <c>docs/evals.md</c>) with the spec loader's machinery, so every
/// problem is reported at its file, line, column and field with a hint, and all of them in one pass.
/// Compatible with the outline <c>tailor spec coverage</c> reads (<c>id</c>, <c>tags</c>, <c>cases[].id/tags/input/expected</c>).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SuiteLoader
{
    private static readonly string[] SuiteKeys =
        ["id", "description", "tags", "model", "judge", "variables", "scorers", "threshold", "repeat", "cases", "cases_from"];

    private static readonly string[] CaseKeys = ["id", "description", "tags", "input", "expected", "vars", "scorers", "threshold"];
    private static readonly string[] JudgeKeys = ["model", "prompt"];
    private static readonly string[] MessageKeys = ["role", "content"];

    private static readonly string[] ScorerKeys =
    [
        "type", "metric", "weight", "threshold", "value", "values", "ignore_case", "schema", "path", "tolerance",
        "min", "max", "unit", "expect", "rubric", "scale", "reference", "judge", "prompt", "categories", "input_price", "output_price",
    ];

    /// <summary>
    /// Loads the suite at <paramref name="path"/> (relative to <paramref name="baseDirectory"/>, shown as
    /// written). With <paramref name="spec"/>, model and judge aliases are checked against it. Never throws for bad input.
    /// </summary>
    public static SuiteLoadResult Load(string path, string baseDirectory, TailorSpec? spec = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        string fullPath = Path.GetFullPath(Path.Combine(baseDirectory, path));
        var context = new SpecReadContext(path, fullPath);
        if (!TextFiles.TryReadUtf8(fullPath, out string text, out FileProblem? problem))
        {
            context.Report(path, problem!.At, "", problem.Message, problem.Hint, SpecSeverity.Error);
            return new SuiteLoadResult(null, context.Diagnostics);
        }

        SourceParseResult parsed = SourceDocumentReader.Read(text);
        foreach (YamlProblem yaml in parsed.Problems)
        {
            context.Report(path, yaml.At, "", yaml.Message, yaml.Hint, SpecSeverity.Error);
        }

        if (parsed.Problems.Count > 0)
        {
            return new SuiteLoadResult(null, context.Diagnostics);
        }

        if (parsed.IsEmpty)
        {
            context.Report(path, null, "", "the suite file is empty", "write at least 'cases:' with one case", SpecSeverity.Error);
            return new SuiteLoadResult(null, context.Diagnostics);
        }

        MappingReader? root = MappingReader.Open(context, parsed.Root!, "", "a suite (id:, cases:, ...)", SuiteKeys);
        if (root is null)
        {
            return new SuiteLoadResult(null, context.Diagnostics);
        }

        var suite = new SuiteReader(context, spec, Path.GetDirectoryName(fullPath) ?? ".", path).Read(root, fullPath, Hash(text));
        return new SuiteLoadResult(context.HasErrors ? null : suite, context.Diagnostics);
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    /// <summary>One suite file being read.</summary>
    private sealed class SuiteReader(SpecReadContext context, TailorSpec? spec, string suiteDirectory, string displayPath)
    {
        public EvalSuite Read(MappingReader root, string fullPath, string hash)
        {
            string id = root.Text("id") ?? Path.GetFileNameWithoutExtension(fullPath);
            if (!SpecIds.IsValid(id) && root.Scalar("id") is { } idNode)
            {
                context.Error(idNode, "id", $"invalid suite id '{id}': {SpecIds.Rule}", $"try '{SpecIds.Fix(id)}'");
            }

            var variables = ReadVariables(root, "variables");
            string? model = Alias(root.Scalar("model"), "model", "the model under test");
            var (judge, judgePrompt) = ReadJudge(root);
            var defaults = ReadScorers(root, "scorers");
            double? threshold = root.Number("threshold", NumberRange.Any);
            int repeat = (int)(root.Integer("repeat", 1, 1000, "from 1 to 1000") ?? 1);
            var tags = Tags(root, "tags");

            var cases = new List<EvalCase>();
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            SourceSequence? list = root.Sequence("cases", "a list of cases ('- id: ...' items)");
            for (int i = 0; i < (list?.Items.Count ?? 0); i++)
            {
                string field = FieldPath.Index("cases", i);
                MappingReader? node = MappingReader.Open(context, list!.Items[i], field, "a case (id:, input:, expected:, ...)", CaseKeys);
                if (node is null)
                {
                    continue;
                }

                if (ReadCase(node, field, tags, variables, defaults, threshold) is { } c)
                {
                    if (ids.TryGetValue(c.Id, out int firstLine))
                    {
                        context.Error(node.Scalar("id") ?? (SourceNode)node.Node, node.Field("id"),
                            $"duplicate case id '{c.Id}': the case on line {firstLine} already uses it", "give each case a distinct id: results and ratings are keyed by it");
                    }
                    else
                    {
                        ids.Add(c.Id, node.Node.Start.Line);
                        cases.Add(c);
                    }
                }
            }

            var files = new List<CaseFile>();
            foreach (ListItem item in root.TextList("cases_from", "JSONL or CSV case files", allowSingle: true) ?? [])
            {
                string full = Path.GetFullPath(Path.Combine(suiteDirectory, item.Value));
                string ext = Path.GetExtension(full).ToLowerInvariant();
                if (ext is not (".jsonl" or ".csv"))
                {
                    context.Error(item.Node, item.Field, $"case file '{item.Value}' is neither .jsonl nor .csv", "write one case per JSON line (.jsonl) or one per CSV row with a header (.csv)");
                }
                else if (!File.Exists(full))
                {
                    context.Error(item.Node, item.Field, $"case file '{item.Value}' not found at {full}", "paths are relative to the suite file");
                }
                else
                {
                    files.Add(new CaseFile(Path.Combine(Path.GetDirectoryName(displayPath) ?? "", item.Value), full));
                }
            }

            if (list is null && files.Count == 0)
            {
                context.Error(root.Node, "cases", "the suite has no cases", "add 'cases:' with at least one case, or 'cases_from: cases.jsonl'");
            }

            return new EvalSuite
            {
                Id = id,
                SourcePath = fullPath,
                DisplayPath = displayPath,
                Description = root.Text("description"),
                Tags = tags,
                Model = model,
                Judge = judge,
                JudgePrompt = judgePrompt,
                Variables = variables,
                DefaultScorers = defaults,
                Threshold = threshold,
                Repeat = repeat,
                Cases = cases,
                CaseFiles = files,
                ContentHash = hash,
            };
        }

        private EvalCase? ReadCase(
            MappingReader node, string field, IReadOnlyList<string> suiteTags, IReadOnlyDictionary<string, string> suiteVariables,
            IReadOnlyList<ScorerSpec> defaults, double? suiteThreshold)
        {
            string id = node.Text("id") ?? field;
            var vars = new Dictionary<string, string>(suiteVariables, StringComparer.Ordinal);
            foreach (var (name, value) in ReadVariables(node, "vars"))
            {
                vars[name] = value;
            }

            var template = new TemplateScope(context, vars);
            IReadOnlyList<ChatMessage>? messages = ReadInput(node, template);
            if (messages is null)
            {
                return null;
            }

            string? expected = node.Scalar("expected") is { } e ? template.Render(e, node.Field("expected")) : null;
            var own = ReadScorers(node, "scorers");
            var scorers = own.Count > 0 ? own : defaults.Count > 0 ? defaults : [ScorerSpec.DefaultFor()];
            scorers = [.. scorers.Select(s => RenderScorer(s, template, node.Value("scorers") ?? node.Node, node.Field("scorers")))];
            foreach (ScorerSpec scorer in scorers.Where(s => s.Value is null && s.Values.Count == 0 && ScorerTypes.UsesExpected.Contains(s.Type)))
            {
                if (expected is null)
                {
                    context.Error(node.Node, field, $"scorer '{scorer.Metric}' compares with 'expected', but this case has none",
                        $"add 'expected:' to the case, or give the scorer a value ({{type: {scorer.Type}, value: ...}})");
                }
            }

            return new EvalCase
            {
                Id = id,
                Messages = messages,
                Expected = expected,
                Tags = [.. suiteTags.Concat(Tags(node, "tags")).Distinct(StringComparer.Ordinal)],
                Vars = vars,
                Scorers = scorers,
                Threshold = node.Number("threshold", NumberRange.Any) ?? suiteThreshold,
                Location = $"{displayPath}:{node.Node.Start.Line}",
            };
        }

        private IReadOnlyList<ChatMessage>? ReadInput(MappingReader node, TemplateScope template)
        {
            SourceNode? input = node.Value("input");
            switch (input)
            {
                case null:
                    node.ReportMissing("input", "the user's message, e.g. input: Where is my invoice?");
                    return null;
                case SourceScalar scalar:
                    return [new ChatMessage(ChatRole.User, template.Render(scalar, node.Field("input")))];
                case SourceSequence turns:
                {
                    var messages = new List<ChatMessage>();
                    for (int i = 0; i < turns.Items.Count; i++)
                    {
                        string field = FieldPath.Index(node.Field("input"), i);
                        MappingReader? turn = MappingReader.Open(context, turns.Items[i], field, "a message (role:, content:)", MessageKeys);
                        SourceScalar? role = turn?.Scalar("role", required: true, "user, assistant or system");
                        SourceScalar? content = turn?.Scalar("content", required: true, "the message's text");
                        if (role is null || content is null)
                        {
                            continue;
                        }

                        if (role.Value is not ("user" or "assistant" or "system"))
                        {
                            context.Error(role, turn!.Field("role"), $"unknown role '{role.Value}'",
                                Spelling.Suggest(role.Value, ["user", "assistant", "system"], "roles"));
                            continue;
                        }

                        messages.Add(new ChatMessage(new ChatRole(role.Value), template.Render(content, turn!.Field("content"))));
                    }

                    if (messages.Count > 0 && messages[^1].Role != ChatRole.User)
                    {
                        context.Error(turns.Items[^1], FieldPath.Index(node.Field("input"), turns.Items.Count - 1),
                            "the last message of a multi-turn input must be the user's: the model answers it", "end the list with a 'role: user' message");
                    }

                    return messages.Count > 0 ? messages : null;
                }

                default:
                    context.Error(input, node.Field("input"), $"expected the user's message or a list of messages, got {input.Describe()}",
                        "input: text, or input: [{role: user, content: ...}, {role: assistant, content: ...}, {role: user, content: ...}]");
                    return null;
            }
        }

        private ScorerSpec RenderScorer(ScorerSpec scorer, TemplateScope template, SourceNode at, string field) => scorer with
        {
            Value = scorer.Value is null ? null : template.Render(scorer.Value, at, field),
            Values = [.. scorer.Values.Select(v => template.Render(v, at, field))],
            Rubric = scorer.Rubric is null ? null : template.Render(scorer.Rubric, at, field),
        };

        private List<ScorerSpec> ReadScorers(MappingReader parent, string key)
        {
            var scorers = new List<ScorerSpec>();
            SourceSequence? list = parent.Sequence(key, "a list of scorers ('- contains: refund' or '- type: judge ...')");
            for (int i = 0; i < (list?.Items.Count ?? 0); i++)
            {
                if (ReadScorer(list!.Items[i], FieldPath.Index(parent.Field(key), i)) is { } scorer)
                {
                    scorers.Add(scorer);
                }
            }

            return scorers;
        }

        private ScorerSpec? ReadScorer(SourceNode node, string field)
        {
            // Short forms: '- is-json' and '- contains: refund' (with optional further keys).
            if (node is SourceScalar bare)
            {
                return TypeOf(bare, field) is { } t ? new ScorerSpec { Type = t.Type, Negate = t.Negate, Metric = bare.Value } : null;
            }

            string? shortType = node is SourceMapping m && !m.Entries.Any(e => e.Name == "type")
                ? m.Entries.Select(e => e.Name).FirstOrDefault(n => n is not null && (ScorerTypes.IsKnown(n) || (n.StartsWith("not-", StringComparison.Ordinal) && ScorerTypes.IsKnown(n[4..]))))
                : null;
            string[] keys = shortType is null ? ScorerKeys : [.. ScorerKeys, shortType];
            // An unknown key where the short form's type would be is most likely a misspelt type.
            bool hasType = node is SourceMapping withType && withType.Entries.Any(e => e.Name == "type");
            KeyAdvice? Advise(string key)
            {
                string bareKey = key.StartsWith("not-", StringComparison.Ordinal) ? key[4..] : key;
                return shortType is null && !hasType && Spelling.Closest(bareKey, ScorerTypes.All) is { } close
                    ? new KeyAdvice($"unknown scorer type '{key}'", $"did you mean '{(bareKey.Length < key.Length ? "not-" : "")}{close}'?")
                    : null;
            }

            MappingReader? scorer = MappingReader.Open(context, node, field, "a scorer ('contains: text' or 'type: ...')", keys, Advise);
            if (scorer is null)
            {
                return null;
            }

            SourceScalar? typeNode;
            SourceNode? shortValue = null;
            if (shortType is not null)
            {
                typeNode = scorer.KeyNode(shortType);
                shortValue = scorer.Value(shortType);
            }
            else if (!hasType && scorer.Entries.Any(e => Advise(e.Key) is not null))
            {
                return null; // the misspelt type was reported as such
            }
            else
            {
                typeNode = scorer.Scalar("type", required: true, $"one of: {string.Join(", ", ScorerTypes.All)}");
            }

            if (typeNode is null || TypeOf(typeNode, FieldPath.Key(field, "type")) is not { } type)
            {
                return null;
            }

            string? value = scorer.Text("value");
            var values = (scorer.TextList("values", "texts", allowSingle: true) ?? []).Select(v => v.Value).ToList();
            switch (shortValue)
            {
                case SourceScalar { IsNull: false } s:
                    value = s.Value;
                    break;
                case SourceSequence seq:
                    values.AddRange(seq.Items.OfType<SourceScalar>().Select(s => s.Value));
                    break;
                case SourceMapping when type.Type is ScorerTypes.JsonSchema or ScorerTypes.IsJson:
                    break;
                case SourceMapping:
                    context.Error(shortValue, FieldPath.Key(field, shortType!), $"expected a value for '{shortType}', got a mapping");
                    break;
            }

            string? schema = ReadSchema(scorer, type.Type == ScorerTypes.JsonSchema || type.Type == ScorerTypes.IsJson ? shortValue as SourceMapping : null, field);
            if (type.Type == ScorerTypes.JsonSchema && schema is null)
            {
                context.Error(scorer.Node, field, "json-schema needs a schema", "add 'schema:' with the JSON Schema as a YAML mapping, or the path of a .json file");
            }

            if (type.Type == ScorerTypes.Regex && value is not null && !IsValidRegex(value, out string? regexError))
            {
                context.Error(scorer.Value("value") ?? shortValue ?? scorer.Node, field, $"invalid regular expression: {regexError}", "in YAML, write the pattern in single quotes so backslashes stay as they are");
            }

            if (type.Type == ScorerTypes.JsonField && scorer.Text("path") is null)
            {
                context.Error(scorer.Node, field, "json-field needs a path", "e.g. path: order.status");
            }

            string scale = scorer.Text("scale") ?? "1-5";
            if (scale is not ("1-5" or "pass-fail"))
            {
                context.Error(scorer.Value("scale")!, scorer.Field("scale"), $"unknown judge scale '{scale}'", "use 1-5 or pass-fail");
            }

            string unit = scorer.Text("unit") ?? "chars";
            if (unit is not ("chars" or "words"))
            {
                context.Error(scorer.Value("unit")!, scorer.Field("unit"), $"unknown length unit '{unit}'", "use chars or words");
            }

            string expect = scorer.Text("expect") ?? "refuse";
            if (expect is not ("refuse" or "answer"))
            {
                context.Error(scorer.Value("expect")!, scorer.Field("expect"), $"unknown expectation '{expect}'", "use refuse (the model must refuse) or answer (it must not)");
            }

            var categories = new List<string>();
            foreach (ListItem category in scorer.TextList("categories", "moderation categories", allowSingle: true) ?? [])
            {
                if (!Moderation.ModerationCategories.IsKnown(category.Value))
                {
                    context.Error(category.Node, category.Field, $"unknown moderation category '{category.Value}'",
                        Spelling.Suggest(category.Value, Moderation.ModerationCategories.All.Select(c => c.Id).ToArray(), "categories"));
                }
                else
                {
                    categories.Add(category.Value);
                }
            }

            return new ScorerSpec
            {
                Type = type.Type,
                Negate = type.Negate,
                Metric = scorer.Text("metric") ?? typeNode.Value,
                Weight = scorer.Number("weight", NumberRange.NonNegative) ?? 1,
                Threshold = scorer.Number("threshold", NumberRange.Any),
                Value = value,
                Values = values,
                IgnoreCase = scorer.Bool("ignore_case") ?? false,
                Schema = schema,
                Path = scorer.Text("path"),
                Tolerance = scorer.Number("tolerance", NumberRange.NonNegative) ?? 0,
                Min = scorer.Number("min", NumberRange.Any),
                Max = scorer.Number("max", NumberRange.Any),
                Unit = unit,
                Expect = expect,
                Rubric = scorer.Text("rubric"),
                Scale = scale,
                UseReference = scorer.Bool("reference") ?? false,
                Judge = Alias(scorer.Scalar("judge"), scorer.Field("judge"), "the judge"),
                Prompt = ReadPromptFile(scorer.Scalar("prompt"), scorer.Field("prompt")),
                Categories = categories,
                InputPrice = scorer.Number("input_price", NumberRange.NonNegative),
                OutputPrice = scorer.Number("output_price", NumberRange.NonNegative),
            };
        }

        private (string Type, bool Negate)? TypeOf(SourceScalar node, string field)
        {
            string written = node.Value;
            bool negate = written.StartsWith("not-", StringComparison.Ordinal);
            string type = negate ? written[4..] : written;
            if (!ScorerTypes.IsKnown(type))
            {
                context.Error(node, field, $"unknown scorer type '{written}'", Spelling.Suggest(type, ScorerTypes.All, "scorer types"));
                return null;
            }

            if (negate && !ScorerTypes.Negatable.Contains(type))
            {
                context.Error(node, field, $"'{type}' cannot be negated with not-", "not- applies to the text and JSON checks (contains, regex, is-json, ...)");
                return null;
            }

            return (type, negate);
        }

        private string? ReadSchema(MappingReader scorer, SourceMapping? shortSchema, string field)
        {
            SourceNode? node = shortSchema ?? scorer.Value("schema");
            switch (node)
            {
                case null:
                    return null;
                case SourceScalar path:
                    string full = Path.GetFullPath(Path.Combine(suiteDirectory, path.Value));
                    if (!TextFiles.TryReadUtf8(full, out string text, out FileProblem? problem))
                    {
                        context.Error(path, scorer.Field("schema"), $"schema file '{path.Value}': {problem!.Message}", "give the schema inline as a mapping, or a .json file relative to the suite");
                        return null;
                    }

                    try
                    {
                        using var _ = JsonDocument.Parse(text);
                        return text;
                    }
                    catch (JsonException ex)
                    {
                        context.Error(path, scorer.Field("schema"), $"schema file '{path.Value}' is not valid JSON: {ex.Message}");
                        return null;
                    }

                default:
                    return YamlJson.ToJson(node);
            }
        }

        private string? ReadPromptFile(SourceScalar? node, string field)
        {
            if (node is null)
            {
                return null;
            }

            string full = Path.GetFullPath(Path.Combine(suiteDirectory, node.Value));
            if (!node.Value.Contains('\n', StringComparison.Ordinal) && TextFiles.TryReadUtf8(full, out string text, out _))
            {
                return text;
            }

            if (node.Value.Contains("{{", StringComparison.Ordinal))
            {
                return node.Value;
            }

            context.Error(node, field, $"judge prompt '{node.Value}' is neither a file (looked for {full}) nor a template with {{{{placeholders}}}}",
                "give the path of a prompt file relative to the suite, or the template text itself");
            return null;
        }

        private (string? Alias, string? Prompt) ReadJudge(MappingReader root)
        {
            switch (root.Value("judge"))
            {
                case null:
                    return (null, null);
                case SourceScalar alias:
                    return (Alias(alias, "judge", "the judge"), null);
                default:
                    MappingReader? judge = root.Mapping("judge", "a judge alias, or a mapping (model:, prompt:)", JudgeKeys);
                    return (Alias(judge?.Scalar("model"), "judge.model", "the judge"), ReadPromptFile(judge?.Scalar("prompt"), "judge.prompt"));
            }
        }

        private string? Alias(SourceScalar? node, string field, string what)
        {
            if (node is null)
            {
                return null;
            }

            if (spec is not null && !spec.Models.ContainsKey(node.Value))
            {
                context.Error(node, field, $"{what} '{node.Value}' is not a model alias of {Path.GetFileName(spec.SourcePath)}",
                    spec.Models.Count == 0 ? "add it under 'models:' in tailor.yaml" : Spelling.Suggest(node.Value, spec.Models.Keys.ToArray(), "aliases"));
            }

            return node.Value;
        }

        private Dictionary<string, string> ReadVariables(MappingReader parent, string key)
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            MappingReader? mapping = parent.Mapping(key, "a mapping of variable names to values", null);
            foreach (var (name, keyNode, value) in mapping?.Entries ?? [])
            {
                if (!PromptTemplate.IsValidVariableName(name))
                {
                    context.Error(keyNode, mapping!.Field(name), $"invalid variable name '{name}'", "letters, digits and _, not starting with a digit");
                }
                else if (value is SourceScalar scalar)
                {
                    variables[name] = scalar.IsNull ? "" : scalar.Value;
                }
                else
                {
                    context.Error(value, mapping!.Field(name), $"expected text, got {value.Describe()}");
                }
            }

            return variables;
        }

        private List<string> Tags(MappingReader node, string key) =>
            (node.TextList(key, "objective or policy ids", allowSingle: true) ?? []).Select(t => t.Value).ToList();

        private static bool IsValidRegex(string pattern, out string? error)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
                error = null;
                return true;
            }
            catch (ArgumentException ex)
            {
                error = ex.Message;
                return false;
            }
        }
    }

    /// <summary>Renders <c>{{var}}</c> templates of one case, reporting unknown variables where they are written.</summary>
    private sealed class TemplateScope(SpecReadContext context, IReadOnlyDictionary<string, string> variables)
    {
        public string Render(SourceScalar node, string field) => Render(node.Value, node, field);

        public string Render(string text, SourceNode at, string field)
        {
            if (!text.Contains("{{", StringComparison.Ordinal))
            {
                return text;
            }

            PromptTemplate template = PromptTemplate.Parse(text);
            foreach (PromptTemplateError error in template.Errors)
            {
                context.Error(at, field, error.Message, "write placeholders as {{name}}; \\{{ writes a literal {{");
            }

            string[] missing = template.Variables.Where(v => !variables.ContainsKey(v)).ToArray();
            foreach (string name in missing)
            {
                context.Error(at, field, $"variable '{name}' is used here but not defined",
                    Spelling.Closest(name, variables.Keys) is { } close ? $"did you mean '{close}'?" : "define it under the suite's 'variables:' or the case's 'vars:'");
            }

            return template.Errors.Count > 0 || missing.Length > 0 ? text : template.Render(variables);
        }
    }

    internal static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
