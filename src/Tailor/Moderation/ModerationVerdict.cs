using System.Globalization;
using System.Text.Json;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Moderation;

/// <summary>
/// The moderation layer's decision about one text: what was found, what the policies make of it, the text to use
/// instead when something is redacted, the refusal when it is blocked, and what every classifier said.
/// </summary>
/// <remarks>Immutable; safe to share across threads.</remarks>
public sealed record ModerationVerdict
{
    public required ModerationDirection Direction { get; init; }

    /// <summary>The strictest action of the findings (and of a failed classifier when <c>block_on_error</c> is on); allow when nothing was found.</summary>
    public PolicyAction Action { get; init; } = PolicyAction.Allow;

    /// <summary>Categories found, strictest action first, then by score.</summary>
    public IReadOnlyList<ModerationFinding> Findings { get; init; } = [];

    /// <summary>Spans replaced by <see cref="Redact"/>, in text order, not overlapping.</summary>
    public IReadOnlyList<TextSpan> Redactions { get; init; } = [];

    /// <summary>What the user is told when <see cref="Action"/> is block; null otherwise.</summary>
    public string? Refusal { get; init; }

    /// <summary>Why the action is stricter than the findings' own (a redaction with nothing to point at, a classifier that failed).</summary>
    public string? Escalation { get; init; }

    /// <summary>Every classifier's result, in configuration order (failed ones carry <see cref="ModerationResult.Error"/>).</summary>
    public IReadOnlyList<ModerationResult> Results { get; init; } = [];

    /// <summary>Wall time of the whole check, in milliseconds.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>Nothing was found and nothing failed.</summary>
    public bool IsClean => Findings.Count == 0 && Results.All(r => r.Error is null);

    /// <summary>The classifiers that failed, with why.</summary>
    public IEnumerable<string> Errors => Results.Where(r => r.Error is not null).Select(r => $"{r.Classifier}: {r.Error}");

    /// <summary><paramref name="text"/> with <see cref="Redactions"/> replaced by <c>[REDACTED:label]</c>.</summary>
    public string Redact(string text) => Redactor.Apply(text, Redactions);

    /// <summary>A compact JSON form for records and <c>--json</c> output (snake_case; no message text).</summary>
    public JsonElement ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>Writes the form of <see cref="ToJson"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("direction", Direction == ModerationDirection.Input ? "input" : "output");
        writer.WriteString("action", Action.ToName());
        writer.WriteStartArray("findings");
        foreach (var finding in Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("category", finding.Category);
            writer.WriteNumber("score", Math.Round(finding.Score, 4));
            if (finding.Threshold is { } threshold)
            {
                writer.WriteNumber("threshold", threshold);
            }
            writer.WriteString("action", finding.Action.ToName());
            WriteStrings(writer, "classifiers", finding.Classifiers);
            WriteStrings(writer, "policies", finding.Policies);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("redactions");
        foreach (var span in Redactions)
        {
            writer.WriteStartObject();
            writer.WriteNumber("start", span.Start);
            writer.WriteNumber("length", span.Length);
            writer.WriteString("category", span.Category);
            writer.WriteString("label", span.Label);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (Refusal is not null)
        {
            writer.WriteString("refusal", Refusal);
        }
        if (Escalation is not null)
        {
            writer.WriteString("escalation", Escalation);
        }
        // Written for every moderated text in the interaction log, so plain loops rather than the LINQ of Errors.
        writer.WriteStartArray("classifiers");
        foreach (var result in Results)
        {
            writer.WriteStringValue(result.Classifier);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("errors");
        foreach (var result in Results)
        {
            if (result.Error is not null)
            {
                writer.WriteStringValue($"{result.Classifier}: {result.Error}");
            }
        }
        writer.WriteEndArray();
        writer.WriteNumber("elapsed_ms", Math.Round(ElapsedMs, 3));
        writer.WriteEndObject();
    }

    /// <summary>One line for logs and the terminal: <c>block: self_harm 0.93 (local) [no-self-harm]</c>.</summary>
    public override string ToString()
    {
        if (Findings.Count == 0)
        {
            return Errors.Any() ? $"{Action.ToName()}: classifier errors ({string.Join("; ", Errors)})" : "allow: nothing found";
        }
        return $"{Action.ToName()}: " + string.Join(", ", Findings.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Category} {f.Score:0.00} ({string.Join("+", f.Classifiers)}){(f.Policies.Count > 0 ? $" [{string.Join(",", f.Policies)}]" : "")}")));
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }
}
