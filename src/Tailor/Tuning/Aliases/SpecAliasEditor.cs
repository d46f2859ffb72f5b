using System.Text;
using System.Text.RegularExpressions;
using Tailor.Spec.Yaml;

namespace Tailor.Tuning.Aliases;

/// <summary>
/// Surgical edits of one model alias in tailor.yaml's text: sets, adds or removes keys of <c>models.&lt;alias&gt;</c> and
/// leaves every other byte as it was (comments, order, quoting, blank lines, line endings). Positions come from the
/// spec's own YAML reader. A key's value is handled as its "suffix", the text after the key's colon up to the value's
/// end, so a later edit can put back exactly what was there.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static partial class SpecAliasEditor
{
    /// <summary>The suffix of every key of <paramref name="keys"/> in the alias's entry (null for an absent key).</summary>
    /// <exception cref="TuningException">The text has no such alias, or it is not a mapping.</exception>
    public static IReadOnlyDictionary<string, string?> Read(string text, string alias, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var target = Find(text, alias);
        return keys.ToDictionary(k => k, k => target.Mapping.Entries.FirstOrDefault(e => e.Name == k) is { } entry ? Suffix(target, entry) : null, StringComparer.Ordinal);
    }

    /// <summary>The alias's whole entry text, from just after its colon to its last character (comments inside included).</summary>
    public static string ReadEntry(string text, string alias)
    {
        var target = Find(text, alias);
        var (start, end) = EntrySpan(target);
        return text[start..end];
    }

    /// <summary>Replaces the alias's whole entry text (see <see cref="ReadEntry"/>) with <paramref name="entry"/>.</summary>
    public static string ApplyEntry(string text, string alias, string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var target = Find(text, alias);
        var (start, end) = EntrySpan(target);
        return string.Concat(text.AsSpan(0, start), entry, text.AsSpan(end));
    }

    private static (int Start, int End) EntrySpan(Target target)
    {
        string text = target.Text.Value;
        int colon = target.Text.Offset(target.AliasKey.End);
        while (colon < text.Length && text[colon] != ':')
        {
            colon++;
        }

        return (colon + 1, End(target.Text, target.Mapping));
    }

    /// <summary>
    /// Applies <paramref name="suffixes"/> (key → new suffix, e.g. <c>" models/a.gguf"</c>; null removes the key) to the
    /// alias's entry and returns the new text. Keys not named are untouched.
    /// </summary>
    /// <exception cref="TuningException">The alias is missing, or an entry is written in a way that cannot be edited safely.</exception>
    public static string Apply(string text, string alias, IReadOnlyDictionary<string, string?> suffixes)
    {
        ArgumentNullException.ThrowIfNull(suffixes);
        var target = Find(text, alias);
        var edits = new List<(int Start, int End, string Text)>();
        var inserts = new List<string>();
        foreach (var (key, suffix) in suffixes)
        {
            var entry = target.Mapping.Entries.FirstOrDefault(e => e.Name == key);
            if (entry is null)
            {
                if (suffix is not null)
                {
                    inserts.Add(target.Mapping.IsFlow ? $", {key}:{suffix}" : $"{target.Indent}{key}:{suffix}");
                }

                continue;
            }

            var (start, end) = Span(target, entry);
            edits.Add(suffix is null ? Removal(target, entry, start, end) : (start, end, suffix));
        }

        if (inserts.Count > 0)
        {
            int at = End(target.Text, target.Mapping);
            if (target.Mapping.IsFlow)
            {
                edits.Add((at - 1, at - 1, string.Concat(inserts)));
            }
            else
            {
                // after the line that holds the entry's last character
                int lineEnd = text.IndexOf('\n', at);
                string block = string.Concat(inserts.Select(i => i + target.Text.NewLine));
                edits.Add(lineEnd < 0 ? (text.Length, text.Length, target.Text.NewLine + block) : (lineEnd + 1, lineEnd + 1, block));
            }
        }

        var result = new StringBuilder(text);
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start).ThenByDescending(e => e.End))
        {
            result.Remove(start, end - start).Insert(start, replacement);
        }

        return result.ToString();
    }

    /// <summary>A value as a suffix: a space and a YAML scalar, quoted only when it needs to be.</summary>
    public static string Scalar(string value) => " " + Render(value);

    /// <summary>A list as a suffix in flow style: <c> [a, b]</c>.</summary>
    public static string List(IEnumerable<string> values) => " [" + string.Join(", ", values.Select(Render)) + "]";

    private static string Render(string value) =>
        PlainSafe().IsMatch(value) && !Reserved().IsMatch(value) ? value : YamlQuote(value);

    private static string YamlQuote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    // letters, digits and path/id punctuation; no ': ' or ' #', no leading indicator
    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_./:+@-]*$")]
    private static partial Regex PlainSafe();

    // what YAML 1.1/1.2 readers would take for another type
    [GeneratedRegex(@"^(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$", RegexOptions.IgnoreCase)]
    private static partial Regex Reserved();

    private sealed record Target(SourceText Text, SourceMapping Mapping, string Indent, string Alias, SourceNode AliasKey);

    private static Target Find(string text, string alias)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        var parsed = SourceDocumentReader.Read(text);
        if (parsed.Problems.Count > 0 || parsed.Root is not SourceMapping root)
        {
            throw new TuningException("tailor.yaml does not parse as a mapping", "run 'tailor spec check' and fix it first");
        }

        if (root.Entries.FirstOrDefault(e => e.Name == "models")?.Value is not SourceMapping models)
        {
            throw new TuningException("tailor.yaml has no 'models:' section", $"add one with a '{alias}:' entry (see docs/spec.md#models)");
        }

        var entry = models.Entries.FirstOrDefault(e => e.Name == alias);
        if (entry?.Value is not SourceMapping mapping)
        {
            throw new TuningException(entry is null ? $"no model alias '{alias}' in tailor.yaml" : $"models.{alias} is not a mapping",
                $"add it under 'models:' first, e.g. '{alias}: {{provider: local, path: models/{alias}.gguf}}'; known aliases: {string.Join(", ", models.Entries.Select(e => e.Name))}");
        }

        var source = new SourceText(text);
        if (source.Offset(mapping.Start) < source.Offset(entry.Key.End))
        {
            throw new TuningException($"models.{alias} is an alias of another mapping (*anchor)", "write its keys out under the alias, then promote");
        }

        string indent = mapping.IsFlow || mapping.Entries.Count == 0 ? "" : new string(' ', mapping.Entries[0].Key.Start.Column - 1);
        return new Target(source, mapping, indent, alias, entry.Key);
    }

    private static string Suffix(Target target, SourceEntry entry)
    {
        var (start, end) = Span(target, entry);
        return target.Text.Value[start..end];
    }

    /// <summary>From just after the key's colon to the end of its value.</summary>
    private static (int Start, int End) Span(Target target, SourceEntry entry)
    {
        string text = target.Text.Value;
        int keyEnd = target.Text.Offset(entry.Key.End);
        int colon = keyEnd;
        while (colon < text.Length && text[colon] != ':')
        {
            colon++;
        }

        int start = colon + 1;
        int end = entry.Value is SourceScalar { Value.Length: 0, IsPlain: true } ? start : End(target.Text, entry.Value);
        if (end < start)
        {
            throw new TuningException($"models.{target.Alias}.{entry.Name} refers to an anchor (*name) defined elsewhere", "write the value out, then promote");
        }

        return (start, end);
    }

    /// <summary>Removes a whole entry: its lines in a block mapping, the pair and a comma in a flow one.</summary>
    private static (int Start, int End, string Text) Removal(Target target, SourceEntry entry, int valueStart, int valueEnd)
    {
        string text = target.Text.Value;
        int keyStart = target.Text.Offset(entry.Key.Start);
        if (target.Mapping.IsFlow)
        {
            int end = valueEnd;
            int after = end;
            while (after < text.Length && text[after] is ' ' or '\t')
            {
                after++;
            }

            if (after < text.Length && text[after] == ',')
            {
                return (keyStart, after + 1 + (after + 1 < text.Length && text[after + 1] == ' ' ? 1 : 0), "");
            }

            int before = keyStart - 1;
            while (before >= 0 && text[before] is ' ' or '\t')
            {
                before--;
            }

            return before >= 0 && text[before] == ',' ? (before, end, "") : (keyStart, end, "");
        }

        int lineStart = text.LastIndexOf('\n', Math.Max(0, keyStart - 1)) + 1;
        if (text[lineStart..keyStart].Trim().Length > 0)
        {
            throw new TuningException($"models.{target.Alias}.{entry.Name} shares its line with other YAML", "put it on its own line, then promote");
        }

        int lineEnd = text.IndexOf('\n', valueEnd);
        string rest = text[valueEnd..(lineEnd < 0 ? text.Length : lineEnd)];
        if (rest.Trim().Length > 0 && !rest.TrimStart().StartsWith('#'))
        {
            throw new TuningException($"models.{target.Alias}.{entry.Name} shares its line with other YAML", "put it on its own line, then promote");
        }

        return (lineStart, lineEnd < 0 ? text.Length : lineEnd + 1, "");
    }

    /// <summary>Just past a node's text. Flow collections are measured here, bracket by bracket (quotes skipped), not from parser marks.</summary>
    private static int End(SourceText text, SourceNode node)
    {
        bool flow = node is SourceMapping { IsFlow: true } or SourceSequence { IsFlow: true };
        if (!flow)
        {
            return node is SourceMapping { Entries.Count: > 0 } mapping
                ? mapping.Entries.Select(e => End(text, e.Value)).Append(text.Offset(mapping.Entries[^1].Key.End)).Max()
                : node is SourceSequence { Items.Count: > 0 } sequence ? End(text, sequence.Items[^1]) : text.Offset(node.End);
        }

        string value = text.Value;
        int depth = 0;
        for (int i = text.Offset(node.Start); i < value.Length; i++)
        {
            switch (value[i])
            {
                case '[' or '{':
                    depth++;
                    break;
                case ']' or '}':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
                case '"':
                    for (i++; i < value.Length && value[i] != '"'; i++)
                    {
                        if (value[i] == '\\')
                        {
                            i++;
                        }
                    }

                    break;
                case '\'':
                    for (i++; i < value.Length; i++)
                    {
                        if (value[i] == '\'' && !(i + 1 < value.Length && value[i + 1] == '\''))
                        {
                            break;
                        }

                        if (value[i] == '\'')
                        {
                            i++;
                        }
                    }

                    break;
            }
        }

        return value.Length;
    }

    /// <summary>The text with its line starts, to turn 1-based line and column marks into offsets.</summary>
    private sealed class SourceText
    {
        private readonly List<int> _lineStarts = [0];

        public SourceText(string value)
        {
            Value = value;
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] == '\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }

            NewLine = value.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        }

        public string Value { get; }

        public string NewLine { get; }

        public int Offset(SourceMark mark) =>
            mark.Line - 1 < _lineStarts.Count ? Math.Min(Value.Length, _lineStarts[mark.Line - 1] + mark.Column - 1) : Value.Length;
    }
}
