using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Tailor.Evals.Results;
using Tailor.Evals.Suites;
using Tailor.Spec;

namespace Tailor.Evals.Ratings;

/// <summary>
/// Human ratings as files raters fill in: CSV (a spreadsheet) or JSONL. Export writes one row per answer
/// of a run with empty <c>rater</c>, <c>score</c>, <c>label</c>, <c>comment</c> columns; import reads them
/// back, skipping rows nobody rated and reporting bad rows (file, line, field, fix) without stopping.
/// </summary>
/// <remarks>
/// Columns: <c>run_id, case_id, repeat, metric, input, output, expected, rater, score, label, comment</c>.
/// <c>input</c>, <c>output</c> and <c>expected</c> are there for the rater and are not imported. Stateless and thread-safe.
/// </remarks>
public static class RatingsFile
{
    private static readonly string[] Columns = ["run_id", "case_id", "repeat", "metric", "input", "output", "expected", "rater", "score", "label", "comment"];

    /// <summary>Writes a rating sheet for every answer in <paramref name="results"/>; the format follows the extension (.csv or .jsonl).</summary>
    public static async Task ExportAsync(IAsyncEnumerable<CaseResult> results, string path, string? rater = null, string metric = "overall", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        bool csv = IsCsv(path);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        if (csv)
        {
            await writer.WriteLineAsync(string.Join(',', Columns)).ConfigureAwait(false);
        }

        await foreach (CaseResult r in results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string[] values =
            [
                r.RunId, r.CaseId, r.Repeat.ToString(CultureInfo.InvariantCulture), metric,
                r.Input.LastOrDefault()?.Text ?? "", r.Output, r.Expected ?? "", rater ?? "", "", "", "",
            ];
            await writer.WriteLineAsync(csv ? string.Join(',', values.Select(Quote)) : Json(values)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads ratings back; rows without a score and a label are skipped silently (not rated yet), bad rows are reported.</summary>
    public static async IAsyncEnumerable<HumanRating> ImportAsync(
        string path, string displayPath, TimeProvider time, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(report);
        var rows = IsCsv(path) ? CsvRowsAsync(path, displayPath, report, cancellationToken) : JsonRowsAsync(path, displayPath, report, cancellationToken);
        await foreach (var (line, row) in rows.ConfigureAwait(false))
        {
            string Get(string key) => row.TryGetValue(key, out string? v) ? v.Trim() : "";
            void Bad(string field, string message, string hint) =>
                report(new SpecDiagnostic { File = displayPath, Line = line, Field = field, Message = message + "; the row is skipped", Hint = hint });

            string scoreText = Get("score"), label = Get("label");
            if (scoreText.Length == 0 && label.Length == 0)
            {
                continue;
            }

            if (Get("run_id").Length == 0 || Get("case_id").Length == 0)
            {
                Bad(Get("run_id").Length == 0 ? "run_id" : "case_id", "the row names no run or case", "keep the run_id and case_id columns the export wrote");
                continue;
            }

            if (Get("rater").Length == 0)
            {
                Bad("rater", "the row has a rating but no rater", "fill in the rater column (a name or an id)");
                continue;
            }

            double? score = null;
            if (scoreText.Length > 0)
            {
                if (!double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !double.IsFinite(s))
                {
                    Bad("score", $"score '{scoreText}' is not a number", "write a number such as 4 or 0.5 (decimal point, not comma)");
                    continue;
                }

                score = s;
            }

            int repeat = 0;
            if (Get("repeat") is { Length: > 0 } repeatText && !int.TryParse(repeatText, NumberStyles.None, CultureInfo.InvariantCulture, out repeat))
            {
                Bad("repeat", $"repeat '{repeatText}' is not a whole number", "keep the repeat column the export wrote");
                continue;
            }

            yield return new HumanRating
            {
                RunId = Get("run_id").ToUpperInvariant(),
                CaseId = Get("case_id"),
                Repeat = repeat,
                Rater = Get("rater"),
                Metric = Get("metric") is { Length: > 0 } m ? m : "overall",
                Score = score,
                Label = label.Length == 0 ? null : label,
                Comment = Get("comment") is { Length: > 0 } c ? c : null,
                RatedAt = time.GetUtcNow(),
            };
        }
    }

    private static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    private static async IAsyncEnumerable<(int Line, Dictionary<string, string> Row)> CsvRowsAsync(
        string path, string display, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var csv = new CsvReader(reader);
        IReadOnlyList<string>? header = null;
        while (await csv.ReadRecordAsync(ct).ConfigureAwait(false) is { } record)
        {
            if (header is null)
            {
                header = record.Fields;
                continue;
            }

            if (record.Fields.Count != header.Count)
            {
                report(new SpecDiagnostic
                {
                    File = display, Line = record.Line, Message = $"the row has {record.Fields.Count} fields but the header has {header.Count}; the row is skipped",
                    Hint = "quote fields that contain commas or line breaks: \"a, b\"",
                });
                continue;
            }

            yield return (record.Line, header.Zip(record.Fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }

        if (csv.Problem is { } problem)
        {
            report(new SpecDiagnostic { File = display, Line = problem.Line, Message = problem.Message, Hint = "close the quoted field with \"" });
        }
    }

    private static async IAsyncEnumerable<(int Line, Dictionary<string, string> Row)> JsonRowsAsync(
        string path, string display, Action<SpecDiagnostic> report, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        int line = 0;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } text)
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            Dictionary<string, string>? row = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    row = document.RootElement.EnumerateObject().ToDictionary(
                        p => p.Name,
                        p => p.Value.ValueKind switch { JsonValueKind.String => p.Value.GetString()!, JsonValueKind.Null => "", _ => p.Value.GetRawText() },
                        StringComparer.Ordinal);
                }
            }
            catch (JsonException)
            {
            }

            if (row is null)
            {
                report(new SpecDiagnostic { File = display, Line = line, Message = "not a JSON object; the line is skipped", Hint = "one rating object per line" });
                continue;
            }

            yield return (line, row);
        }
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Json(string[] values)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            for (int i = 0; i < Columns.Length; i++)
            {
                if (Columns[i] == "repeat")
                {
                    w.WriteNumber("repeat", int.Parse(values[i], CultureInfo.InvariantCulture));
                }
                else if (Columns[i] == "score")
                {
                    w.WriteNull("score");
                }
                else
                {
                    w.WriteString(Columns[i], values[i]);
                }
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
