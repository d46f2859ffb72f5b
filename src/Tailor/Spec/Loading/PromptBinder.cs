using Tailor.Spec.Files;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>prompts:</c> and checks each template against its variables: a placeholder with no
/// variable is an error at its line and column in the prompt file; a variable the template never
/// uses is a warning in tailor.yaml.
/// </summary>
internal sealed class PromptBinder(SpecReadContext context)
{
    private static readonly string[] PromptKeys = ["file", "variables"];

    private static KeyAdvice? Advise(string key) => key is "text" or "template" or "content"
        ? new KeyAdvice($"unknown key '{key}': prompt text lives in its own file", "write the text to a file such as prompts/support.md and set file: to it")
        : null;

    public IReadOnlyDictionary<string, PromptSpec> Read(MappingReader root)
    {
        var prompts = new Dictionary<string, PromptSpec>(StringComparer.Ordinal);
        MappingReader? section = root.Mapping("prompts", "a mapping of prompt ids to prompts (support: {file: prompts/support.md})", knownKeys: null);
        if (section is null)
        {
            return prompts;
        }

        foreach ((string id, SourceScalar idNode, SourceNode value) in section.Entries)
        {
            string field = section.Field(id);
            if (!SpecIds.IsValid(id))
            {
                context.Error(idNode, field, $"invalid prompt id '{id}': {SpecIds.Rule}", $"try '{SpecIds.Fix(id)}'");
            }

            var prompt = new PromptSpec { Id = id, File = "" };
            if (MappingReader.Open(context, value, field, "a prompt (file:, variables:)", PromptKeys, Advise) is { } reader)
            {
                SourceScalar? file = reader.Scalar("file", required: true, "the template's path, relative to tailor.yaml, e.g. file: prompts/support.md");
                Dictionary<string, (string Value, SourceScalar Key)> variables = ReadVariables(reader);
                if (file is not null)
                {
                    CheckTemplate(reader, file, variables);
                }

                prompt = prompt with
                {
                    File = file?.Value ?? "",
                    Variables = variables.ToDictionary(v => v.Key, v => v.Value.Value, StringComparer.Ordinal),
                };
            }

            prompts[id] = prompt;
        }

        return prompts;
    }

    private Dictionary<string, (string Value, SourceScalar Key)> ReadVariables(MappingReader prompt)
    {
        var variables = new Dictionary<string, (string, SourceScalar)>(StringComparer.Ordinal);
        MappingReader? section = prompt.Mapping("variables", "a mapping of variable names to values (company: Acme)", knownKeys: null);
        if (section is null)
        {
            return variables;
        }

        foreach ((string name, SourceScalar nameNode, SourceNode value) in section.Entries)
        {
            string field = section.Field(name);
            if (!PromptTemplate.IsValidVariableName(name))
            {
                context.Error(nameNode, field, $"invalid variable name '{name}': use letters, digits and _, not starting with a digit",
                    "the template names it as {{ " + name.Replace('-', '_').Replace(' ', '_') + " }}");
                continue;
            }

            switch (value)
            {
                case SourceScalar { IsNull: true }:
                    context.Error(nameNode, field, $"variable '{name}' has no value", $"write {name}: \"\" for an empty value");
                    break;
                case SourceScalar scalar:
                    variables[name] = (scalar.Value, nameNode);
                    break;
                default:
                    context.Error(value, field, $"expected text, got {value.Describe()}", "a variable's value is text; use a | block for several lines");
                    break;
            }
        }

        return variables;
    }

    private void CheckTemplate(MappingReader prompt, SourceScalar file, Dictionary<string, (string Value, SourceScalar Key)> variables)
    {
        string fileField = prompt.Field("file");
        string? fullPath = context.RequireFile(file, fileField, SpecSeverity.Error, "prompt file");
        if (fullPath is null)
        {
            return;
        }

        if (!TextFiles.TryReadUtf8(fullPath, out string text, out FileProblem? problem))
        {
            context.ReportFileProblem(file.Value, fileField, problem!);
            return;
        }

        string promptFile = context.DisplayPathOf(file.Value);
        var template = PromptTemplate.Parse(text);
        foreach (PromptTemplateError error in template.Errors)
        {
            context.Report(promptFile, new SourceMark(error.Line, error.Column), fileField, error.Message, null, SpecSeverity.Error);
        }

        string variablesField = prompt.Field("variables");
        string where = prompt.KeyNode("variables") is { } key ? $"{variablesField} (line {key.Start.Line})" : variablesField;
        foreach (IGrouping<string, PromptPlaceholder> uses in template.Placeholders.GroupBy(p => p.Name))
        {
            if (variables.ContainsKey(uses.Key))
            {
                continue;
            }

            PromptPlaceholder first = uses.First();
            int others = uses.Count() - 1;
            string also = others == 0 ? "" : others == 1 ? " (and once more below)" : $" (and {others} more times below)";
            context.Report(promptFile, new SourceMark(first.Line, first.Column), FieldPath.Key(variablesField, uses.Key),
                $"variable '{uses.Key}' is used here{also} but not defined",
                $"define it in {context.File} under {where}, or remove the placeholder",
                SpecSeverity.Error);
        }

        foreach ((string name, (_, SourceScalar keyNode)) in variables)
        {
            if (!template.Variables.Contains(name))
            {
                context.Warning(keyNode, FieldPath.Key(variablesField, name), $"variable '{name}' is never used by {promptFile}",
                    $"use it as {{{{ {name} }}}} in the template, or remove it");
            }
        }
    }
}
