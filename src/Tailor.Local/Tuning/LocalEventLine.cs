using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Local.Training;
using Tailor.Local.Training.Worker;

namespace Tailor.Local.Tuning;

/// <summary>
/// One line of a local job's event log: the worker protocol's <see cref="TrainingEvent"/> JSON with the time it happened
/// (<c>atMs</c>) appended, or an <c>attempt</c> line that opens each run of the worker (its number, process id, and the
/// checkpoint it resumed from). Immutable.
/// </summary>
public sealed record LocalEventLine(DateTimeOffset At, TrainingEvent? Event, int? Attempt, int? ProcessId, string? ResumedFrom)
{
    private const string TimeMember = "atMs";

    public static string Format(TrainingEvent e, DateTimeOffset at)
    {
        var node = JsonSerializer.SerializeToNode(e, WorkerProtocol.Json)!.AsObject();
        node[TimeMember] = at.ToUnixTimeMilliseconds();
        return node.ToJsonString();
    }

    public static string FormatAttempt(int attempt, int processId, string? resumedFrom, DateTimeOffset at) => new JsonObject
    {
        ["event"] = "attempt",
        ["attempt"] = attempt,
        ["pid"] = processId,
        ["resumeFrom"] = resumedFrom,
        [TimeMember] = at.ToUnixTimeMilliseconds(),
    }.ToJsonString();

    /// <summary>Reads a line; null when it is not one (a torn last line, stray output).</summary>
    public static LocalEventLine? Parse(string line)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject node)
            {
                return null;
            }

            var at = node[TimeMember] is JsonValue t && t.TryGetValue<long>(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.UnixEpoch;
            node.Remove(TimeMember);
            if ((string?)node["event"] == "attempt")
            {
                return new LocalEventLine(at, null, (int?)node["attempt"], (int?)node["pid"], (string?)node["resumeFrom"]);
            }

            return node.Deserialize<TrainingEvent>(WorkerProtocol.Json) is { } e ? new LocalEventLine(at, e, null, null, null) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Every complete line of <paramref name="path"/> (a line still being written is left for the next read).</summary>
    public static List<LocalEventLine> ReadAll(string path)
    {
        var lines = new List<LocalEventLine>();
        if (!File.Exists(path))
        {
            return lines;
        }

        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
        {
            text = reader.ReadToEnd();
        }

        int end = text.LastIndexOf('\n');
        foreach (var line in text[..(end + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Parse(line) is { } parsed)
            {
                lines.Add(parsed);
            }
        }

        return lines;
    }
}
