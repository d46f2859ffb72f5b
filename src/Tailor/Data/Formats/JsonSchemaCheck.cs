using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tailor.Data.Formats;

/// <summary>
/// Checks that a tool's <c>parameters</c> is a well-formed JSON Schema (draft 7): the keywords a
/// function schema uses have the types the meta-schema requires. It checks the schema itself, not
/// data against it. Unknown keywords are allowed, as draft 7 allows them.
/// </summary>
internal static class JsonSchemaCheck
{
    private static readonly HashSet<string> Types = ["null", "boolean", "object", "array", "number", "string", "integer"];

    public readonly record struct Problem(string Path, string Message);

    public static List<Problem> Problems(JsonElement schema, string path)
    {
        var problems = new List<Problem>();
        Check(schema, path, problems, depth: 0);
        return problems;
    }

    private static void Check(JsonElement schema, string path, List<Problem> problems, int depth)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, $"a schema is an object or a boolean, not {schema.GetRawText()}"));
            return;
        }
        if (depth > 32)
        {
            return;
        }
        foreach (var keyword in schema.EnumerateObject())
        {
            string at = $"{path}.{keyword.Name}";
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "type":
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        if (!Types.Contains(value.GetString()!))
                        {
                            problems.Add(new(at, $"unknown type \"{value.GetString()}\" (use one of {string.Join(", ", Types)})"));
                        }
                    }
                    else if (value.ValueKind == JsonValueKind.Array)
                    {
                        var seen = new HashSet<string>(StringComparer.Ordinal);
                        foreach (var t in value.EnumerateArray())
                        {
                            if (t.ValueKind != JsonValueKind.String || !Types.Contains(t.GetString()!) || !seen.Add(t.GetString()!))
                            {
                                problems.Add(new(at, $"type lists {t.GetRawText()}: each entry is a distinct type name"));
                            }
                        }
                    }
                    else
                    {
                        problems.Add(new(at, "type is a type name or a list of them"));
                    }
                    break;
                case "properties" or "patternProperties" or "definitions" or "$defs" or "dependentSchemas":
                    if (value.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add(new(at, $"{keyword.Name} is an object of schemas"));
                        break;
                    }
                    foreach (var property in value.EnumerateObject())
                    {
                        if (keyword.Name == "patternProperties" && !IsRegex(property.Name))
                        {
                            problems.Add(new($"{at}.{property.Name}", "the property pattern is not a valid regular expression"));
                        }
                        Check(property.Value, $"{at}.{property.Name}", problems, depth + 1);
                    }
                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        int i = 0;
                        foreach (var item in value.EnumerateArray())
                        {
                            Check(item, $"{at}[{i++}]", problems, depth + 1);
                        }
                    }
                    else
                    {
                        Check(value, at, problems, depth + 1);
                    }
                    break;
                case "additionalProperties" or "additionalItems" or "not" or "contains" or "propertyNames" or "if" or "then" or "else":
                    Check(value, at, problems, depth + 1);
                    break;
                case "allOf" or "anyOf" or "oneOf":
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                    {
                        problems.Add(new(at, $"{keyword.Name} is a non-empty list of schemas"));
                        break;
                    }
                    int index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(item, $"{at}[{index++}]", problems, depth + 1);
                    }
                    break;
                case "required":
                    if (value.ValueKind != JsonValueKind.Array)
                    {
                        problems.Add(new(at, "required is a list of property names"));
                        break;
                    }
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var name in value.EnumerateArray())
                    {
                        if (name.ValueKind != JsonValueKind.String || !names.Add(name.GetString()!))
                        {
                            problems.Add(new(at, $"required lists {name.GetRawText()}: each entry is a distinct property name"));
                        }
                    }
                    break;
                case "enum":
                    if (value.ValueKind != JsonValueKind.Array)
                    {
                        problems.Add(new(at, "enum is a list of values"));
                    }
                    break;
                case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf":
                    if (value.ValueKind != JsonValueKind.Number || (keyword.Name == "multipleOf" && value.GetDouble() <= 0))
                    {
                        problems.Add(new(at, keyword.Name == "multipleOf" ? "multipleOf is a number above 0" : $"{keyword.Name} is a number"));
                    }
                    break;
                case "minLength" or "maxLength" or "minItems" or "maxItems" or "minProperties" or "maxProperties":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n) || n < 0)
                    {
                        problems.Add(new(at, $"{keyword.Name} is a non-negative integer"));
                    }
                    break;
                case "pattern":
                    if (value.ValueKind != JsonValueKind.String || !IsRegex(value.GetString()!))
                    {
                        problems.Add(new(at, "pattern is a valid regular expression string"));
                    }
                    break;
                case "title" or "description" or "$ref" or "$id" or "$schema" or "format" or "$comment":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        problems.Add(new(at, $"{keyword.Name} is a string"));
                    }
                    break;
                case "uniqueItems" or "readOnly" or "writeOnly":
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        problems.Add(new(at, $"{keyword.Name} is true or false"));
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
