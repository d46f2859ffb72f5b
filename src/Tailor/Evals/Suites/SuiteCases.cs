using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Evals.Suites;

/// <summary>
/// Streams a suite's cases: the ones written in the suite, then each row of its JSONL and CSV case
/// files, read one line at a time. A bad row is reported (file, line, field, fix) and skipped; the
/// rows after it are still read.
/// </summary>
/// <remarks>
/// Row format. JSONL: one object per line with <c>id</c>, <c>input</c> (text, or a list of
/// <c>{role, content}</c>), <c>expected</c>, <c>tags</c> (list or one id), <c>vars</c> (object); any
/// other member is a variable too. CSV (RFC 4180, header row): columns <c>id</c>, <c>input</c>,
/// <c>expected</c>, <c>tags</c> (ids separated by <c>;</c>); any other column is a variable. Rows
/// take the suite's default scorers and threshold. Thread-safe: each enumeration reads afresh.
/// </remarks>
public static class SuiteCases
{
    /// <summary>Every case of <paramref name="suite"/>, in order; problems with rows go to <paramref name="report"/>.</summary>
    public static async IAsyncEnumerable<EvalCase> ReadAllAsync(
        EvalSuite suite, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(report);
        var seen = new HashSet<string>(suite.Cases.Select(c => c.Id), StringComparer.Ordinal);
        foreach (EvalCase c in suite.Cases)
        {
            yield return c;
        }

        foreach (CaseFile file in suite.CaseFiles)
        {
            bool csv = file.FullPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            var rows = csv ? CsvRows(file, report, cancellationToken) : JsonlRows(file, report, cancellationToken);
            await foreach (var (line, row) in rows.ConfigureAwait(false))
            {
                if (Build(suite, file, line, row, report) is not { } c)
                {
                    continue;
                }

                if (!seen.Add(c.Id))
                {
                    report(Problem(file, line, "id", $"duplicate case id '{c.Id}': an earlier case already uses it; this row is skipped", "give each case a distinct id"));
                    continue;
                }

                yield return c;
            }
        }
    }

    /// <summary>How many cases the suite holds, counted without parsing rows (bad rows included): the total of progress bars.</summary>
    public static async Task<long> CountAsync(EvalSuite suite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(suite);
        long count = suite.Cases.Count;
        foreach (CaseFile file in suite.CaseFiles)
        {
            // Non-blank lines, less a CSV's header: exact for JSONL, an upper bound for CSV fields that span lines.
            using var reader = new StreamReader(file.FullPath, Encoding.UTF8);
            long lines = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Trim().Length > 0)
                {
                    lines++;
                }
            }

            bool csv = file.FullPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            count += csv ? Math.Max(0, lines - 1) : lines;
        }

        return count;
    }

    /// <summary>A row read from a file: its fields by name (strings, or JSON for structured JSONL members).</summary>
    private sealed record Row(string? Id, JsonElement? Input, string? InputText, string? Expected, IReadOnlyList<string> Tags, Dictionary<string, string> Vars);

    private static EvalCase? Build(EvalSuite suite, CaseFile file, int line, Row row, Action<SpecDiagnostic> report)
    {
        string id = string.IsNullOrWhiteSpace(row.Id) ? $"{Path.GetFileName(file.DisplayPath)}:{line}" : row.Id;
        var vars = new Dictionary<string, string>(suite.Variables, StringComparer.Ordinal);
        foreach (var (k, v) in row.Vars)
        {
            vars[k] = v;
        }

        bool ok = true;
        string Render(string text, string field)
        {
            if (!text.Contains("{{", StringComparison.Ordinal))
            {
                return text;
            }

            var template = PromptTemplate.Parse(text);
            var missing = template.Variables.Where(v => !vars.ContainsKey(v)).ToList();
            if (template.Errors.Count > 0 || missing.Count > 0)
            {
                string message = template.Errors.Count > 0 ? template.Errors[0].Message : $"variable '{missing[0]}' is used but not defined";
                report(Problem(file, line, field, message + "; this row is skipped", "define it in the suite's 'variables:' or as a column/member of the row"));
                ok = false;
                return text;
            }

            return template.Render(vars);
        }

        var messages = new List<ChatMessage>();
        if (row.InputText is { } text)
        {
            messages.Add(new ChatMessage(ChatRole.User, Render(text, "input")));
        }
        else if (row.Input is { ValueKind: JsonValueKind.Array } turns)
        {
            int i = 0;
            foreach (JsonElement turn in turns.EnumerateArray())
            {
                string field = $"input[{i++}]";
                if (turn.ValueKind != JsonValueKind.Object
                    || !turn.TryGetProperty("role", out var role) || role.GetString() is not ("user" or "assistant" or "system")
                    || !turn.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    report(Problem(file, line, field, "a message needs \"role\" (user, assistant or system) and text \"content\"; this row is skipped", "{\"role\": \"user\", \"content\": \"...\"}"));
                    return null;
                }

                messages.Add(new ChatMessage(new ChatRole(role.GetString()!), Render(content.GetString()!, field)));
            }

            if (messages.Count == 0 || messages[^1].Role != ChatRole.User)
            {
                report(Problem(file, line, "input", "the last message must be the user's; this row is skipped", "end the list with a user message"));
                return null;
            }
        }
        else
        {
            report(Problem(file, line, "input", "the row has no input; it is skipped", "add \"input\": the user's message (or a list of messages)"));
            return null;
        }

        string? expected = row.Expected is null ? null : Render(row.Expected, "expected");
        var scorers = suite.DefaultScorers.Count > 0 ? suite.DefaultScorers : [ScorerSpec.DefaultFor()];
        if (expected is null && scorers.Any(s => s.Value is null && s.Values.Count == 0 && ScorerTypes.UsesExpected.Contains(s.Type)))
        {
            report(Problem(file, line, "expected", "the suite's scorers compare with 'expected', but this row has none; it is skipped", "add an expected value to the row"));
            return null;
        }

        scorers = [.. scorers.Select(s => s with
        {
            Value = s.Value is null ? null : Render(s.Value, "scorers"),
            Rubric = s.Rubric is null ? null : Render(s.Rubric, "scorers"),
        })];

        return ok
            ? new EvalCase
            {
                Id = id,
                Messages = messages,
                Expected = expected,
                Tags = [.. suite.Tags.Concat(row.Tags).Distinct(StringComparer.Ordinal)],
                Vars = vars,
                Scorers = scorers,
                Threshold = suite.Threshold,
                Location = $"{file.DisplayPath}:{line}",
            }
            : null;
    }

    private static async IAsyncEnumerable<(int Line, Row Row)> JsonlRows(CaseFile file, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(file.FullPath, Encoding.UTF8);
        int line = 0;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } text)
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(text);
                root = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                int column = (int)(ex.BytePositionInLine ?? 0) + 1;
                report(Problem(file, line, "", $"not valid JSON ({ex.Message.Split(" LineNumber", 2)[0].TrimEnd('.')}); the line is skipped", "one JSON object per line", column));
                continue;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                report(Problem(file, line, "", "a case is a JSON object; the line is skipped", "{\"id\": \"...\", \"input\": \"...\", \"expected\": \"...\"}"));
                continue;
            }

            string? id = null, inputText = null, expected = null;
            JsonElement? input = null;
            var tags = new List<string>();
            var vars = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "id":
                        id = Scalar(member.Value);
                        break;
                    case "input":
                        if (member.Value.ValueKind == JsonValueKind.String)
                        {
                            inputText = member.Value.GetString();
                        }
                        else
                        {
                            input = member.Value;
                        }

                        break;
                    case "expected":
                        expected = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : member.Value.GetRawText();
                        break;
                    case "tags":
                        if (member.Value.ValueKind == JsonValueKind.Array)
                        {
                            tags.AddRange(member.Value.EnumerateArray().Select(Scalar).OfType<string>());
                        }
                        else if (Scalar(member.Value) is { } single)
                        {
                            tags.Add(single);
                        }

                        break;
                    case "vars" when member.Value.ValueKind == JsonValueKind.Object:
                        foreach (JsonProperty v in member.Value.EnumerateObject())
                        {
                            vars[v.Name] = Scalar(v.Value) ?? v.Value.GetRawText();
                        }

                        break;
                    default:
                        vars[member.Name] = Scalar(member.Value) ?? member.Value.GetRawText();
                        break;
                }
            }

            yield return (line, new Row(id, input, inputText, expected, tags, vars));
        }
    }

    private static async IAsyncEnumerable<(int Line, Row Row)> CsvRows(CaseFile file, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(file.FullPath, Encoding.UTF8);
        var csv = new CsvReader(reader);
        IReadOnlyList<string>? header = null;
        while (await csv.ReadRecordAsync(ct).ConfigureAwait(false) is { } record)
        {
            if (header is null)
            {
                header = record.Fields;
                if (!header.Contains("input"))
                {
                    report(Problem(file, record.Line, "", "the header has no 'input' column; the file is skipped", "first row: id,input,expected,tags (further columns are variables)"));
                    yield break;
                }

                continue;
            }

            if (record.Fields.Count != header.Count)
            {
                report(Problem(file, record.Line, "", $"the row has {record.Fields.Count} fields but the header has {header.Count}; the row is skipped", "quote fields that contain commas: \"a, b\""));
                continue;
            }

            string? id = null, input = null, expected = null;
            var tags = new List<string>();
            var vars = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count; i++)
            {
                string value = record.Fields[i];
                switch (header[i])
                {
                    case "id": id = value; break;
                    case "input": input = value; break;
                    case "expected": expected = value.Length == 0 ? null : value; break;
                    case "tags": tags.AddRange(value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                    default: vars[header[i]] = value; break;
                }
            }

            yield return (record.Line, new Row(id, null, input, expected, tags, vars));
        }

        if (csv.Problem is { } problem)
        {
            report(Problem(file, problem.Line, "", problem.Message, "close the quoted field with \""));
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    private static SpecDiagnostic Problem(CaseFile file, int line, string field, string message, string? hint, int column = 0) => new()
    {
        File = file.DisplayPath,
        Line = line,
        Column = column,
        Field = field,
        Message = message,
        Hint = hint,
    };
}
