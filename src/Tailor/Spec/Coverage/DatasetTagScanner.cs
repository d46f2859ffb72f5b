using System.Text;
using System.Text.Json;

namespace Tailor.Spec.Coverage;

/// <summary>What one pass over a JSONL dataset found: line counts and, per id named in tags, how many examples and where first.</summary>
internal sealed class DatasetScan
{
    public long Lines { get; set; }
    public long Examples { get; set; }
    public long Skipped { get; set; }
    public long FirstSkippedLine { get; set; }
    public Dictionary<string, (long Examples, long FirstLine)> Ids { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Streams a JSONL dataset line by line (a file of any size), counting the examples that name each
/// id through a top-level <c>"tags"</c> or <c>"metadata": {"tags"}</c> list of strings.
/// Blank lines are ignored; a line that is not a JSON object is counted as skipped.
/// </summary>
internal static class DatasetTagScanner
{
    public static DatasetScan Scan(string fullPath, CancellationToken cancellationToken)
    {
        var scan = new DatasetScan();
        using var reader = new StreamReader(fullPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        long lineNumber = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            scan.Lines++;
            ids.Clear();
            if (!TryReadTags(line, ids))
            {
                scan.Skipped++;
                if (scan.FirstSkippedLine == 0)
                {
                    scan.FirstSkippedLine = lineNumber;
                }

                continue;
            }

            scan.Examples++;
            foreach (string id in ids)
            {
                scan.Ids[id] = scan.Ids.TryGetValue(id, out var seen) ? (seen.Examples + 1, seen.FirstLine) : (1, lineNumber);
            }
        }

        return scan;
    }

    private static bool TryReadTags(string line, HashSet<string> ids)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            AddTags(root, ids);
            if (root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                AddTags(metadata, ids);
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AddTags(JsonElement owner, HashSet<string> ids)
    {
        if (owner.TryGetProperty("tags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement tag in tags.EnumerateArray())
            {
                if (tag.ValueKind == JsonValueKind.String && tag.GetString() is { Length: > 0 } id)
                {
                    ids.Add(id);
                }
            }
        }
    }
}
