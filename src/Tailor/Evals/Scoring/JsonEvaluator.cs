using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using EvaluationContext = Microsoft.Extensions.AI.Evaluation.EvaluationContext;

namespace Tailor.Evals.Scoring;

/// <summary>What a <see cref="JsonEvaluator"/> checks.</summary>
public enum JsonCheck
{
    /// <summary>The output parses as JSON (a Markdown code fence around it is allowed).</summary>
    Valid,

    /// <summary>It parses and validates against a JSON Schema (draft 2020-12 by default).</summary>
    Schema,

    /// <summary>It parses and the field at a path equals a value.</summary>
    FieldEquals,
}

/// <summary>
/// JSON checks on the output: valid JSON, valid against a JSON Schema, a field equal to a value. Value 1
/// when the check holds (after negation). The reason names the first schema error or the field found.
/// </summary>
/// <remarks>Immutable and thread-safe; the schema is parsed once at construction.</remarks>
public sealed class JsonEvaluator : TailorEvaluator
{
    private readonly JsonCheck _check;
    private readonly JsonSchema? _schema;
    private readonly string? _path;
    private readonly string? _expected;
    private readonly bool _negate;

    public JsonEvaluator(string metricName, JsonCheck check, string? schema = null, string? path = null, string? expected = null, bool negate = false)
        : base(metricName)
    {
        _check = check;
        _schema = schema is null ? null : ParseSchema(schema);
        _path = path;
        _expected = expected;
        _negate = negate;
        if (check == JsonCheck.Schema && _schema is null)
        {
            throw new ArgumentException("a schema check needs a schema", nameof(schema));
        }
    }

    // Not inlined: optimising a caller that inlines this (the scorer factory) would load JsonSchema.Net, whose module
    // initialiser JIT-compiles ~700 methods, in every eval run, schema scorers or not.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JsonSchema ParseSchema(string schema) => JsonSchema.FromText(schema);

    protected override ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        (bool holds, string reason) = Check(response.Text);
        bool passed = holds != _negate;
        return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Check(MetricName, passed, _negate ? $"{reason} (negated check)" : reason));
    }

    private (bool Holds, string Reason) Check(string text)
    {
        JsonNode? node;
        string json = StripFence(text);
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            return (false, $"the output is not valid JSON: {ex.Message.Split(" LineNumber", 2)[0]}");
        }

        switch (_check)
        {
            case JsonCheck.Valid when _schema is null:
                return (true, "the output is valid JSON");
            case JsonCheck.Valid or JsonCheck.Schema:
                using (var document = JsonDocument.Parse(json))
                {
                    EvaluationResults result = _schema!.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                    return Describe(result);
                }
            default:
                if (!TryGetField(node, _path!, out JsonNode? field))
                {
                    return (false, $"the output has no field '{_path}'");
                }

                string actual = field is JsonValue value && value.TryGetValue(out string? s) ? s : field?.ToJsonString() ?? "null";
                bool equal = ValuesEqual(field, actual, _expected ?? "");
                return (equal, $"field '{_path}' is {Describe(actual)}{(equal ? "" : $", expected {Describe(_expected ?? "")}")}");
        }
    }

    private static (bool Holds, string Reason) Describe(EvaluationResults result)
    {
        if (result.IsValid)
        {
            return (true, "the output is valid against the schema");
        }

        var first = (result.Details ?? []).Prepend(result).FirstOrDefault(d => d.Errors is { Count: > 0 });
        string where = first is null || first.InstanceLocation.ToString() is "" or "#" ? "" : $" at '{first.InstanceLocation}'";
        string error = first?.Errors?.Values.FirstOrDefault() ?? "it does not match";
        return (false, $"the output does not match the schema{where}: {error}");
    }

    private static bool ValuesEqual(JsonNode? field, string actual, string expected)
    {
        if (string.Equals(actual, expected, StringComparison.Ordinal))
        {
            return true;
        }

        // 42 vs "42.0", true vs "true": compare as JSON when the expected text parses as JSON.
        try
        {
            return JsonNode.DeepEquals(field, JsonNode.Parse(expected));
        }
        catch (JsonException)
        {
            return double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) && a == b;
        }
    }

    /// <summary>Follows <c>a.b[0].c</c> (a leading <c>$.</c> is allowed).</summary>
    internal static bool TryGetField(JsonNode? node, string path, out JsonNode? field)
    {
        field = node;
        string p = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        foreach (string part in p.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part;
            var indexes = new List<int>();
            int bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                foreach (string ix in part[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!int.TryParse(ix, NumberStyles.None, CultureInfo.InvariantCulture, out int i))
                    {
                        return false;
                    }

                    indexes.Add(i);
                }
            }

            if (name.Length > 0)
            {
                if (field is not JsonObject obj || !obj.TryGetPropertyValue(name, out field))
                {
                    return false;
                }
            }

            foreach (int i in indexes)
            {
                if (field is not JsonArray array || i >= array.Count)
                {
                    return false;
                }

                field = array[i];
            }
        }

        return true;
    }

    /// <summary>Models often wrap JSON in a Markdown fence; the JSON inside is what counts.</summary>
    internal static string StripFence(string text)
    {
        string t = text.Trim();
        if (t.StartsWith("```", StringComparison.Ordinal))
        {
            int firstLine = t.IndexOf('\n', StringComparison.Ordinal);
            int close = t.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine > 0 && close > firstLine)
            {
                return t[(firstLine + 1)..close];
            }
        }

        return t;
    }

    private static string Describe(string value) => value.Length > 40 ? $"'{value[..37]}...'" : $"'{value}'";
}
