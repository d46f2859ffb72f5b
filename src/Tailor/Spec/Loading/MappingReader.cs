using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>A specific explanation for a key the schema rejects (e.g. <c>api_key</c>), used instead of "unknown key".</summary>
internal sealed record KeyAdvice(string Message, string? Hint);

/// <summary>One text item of a list, with the field path diagnostics name it by.</summary>
internal sealed record ListItem(SourceScalar Node, string Field)
{
    public string Value => Node.Value;
}

/// <summary>
/// The small schema validator every section is read with: opening a mapping reports duplicate
/// and unknown keys (with a did-you-mean); the typed getters report a missing required key, a
/// wrong type or an out-of-range value, and return null so the caller carries on reading.
/// </summary>
internal sealed class MappingReader
{
    private readonly SpecReadContext _context;
    private readonly Dictionary<string, SourceEntry> _entries = new(StringComparer.Ordinal);

    private MappingReader(SpecReadContext context, SourceMapping node, string path)
    {
        _context = context;
        Node = node;
        Path = path;
    }

    public SourceMapping Node { get; }

    /// <summary>Field path of this mapping (<c>models.baseline</c>); empty for the root.</summary>
    public string Path { get; }

    /// <summary>Entries with a text key, first occurrence of each, in document order.</summary>
    public IEnumerable<(string Key, SourceScalar KeyNode, SourceNode Value)> Entries =>
        _entries.Values.Select(e => (e.Name!, (SourceScalar)e.Key, e.Value));

    /// <summary>
    /// Opens <paramref name="node"/> as a mapping; reports and returns null when it is not one.
    /// With <paramref name="knownKeys"/> null, any key is accepted (a mapping of names, like <c>models:</c>).
    /// </summary>
    public static MappingReader? Open(
        SpecReadContext context,
        SourceNode node,
        string path,
        string expected,
        IReadOnlyCollection<string>? knownKeys,
        Func<string, KeyAdvice?>? adviseUnknownKey = null)
    {
        if (node is not SourceMapping mapping)
        {
            context.Error(node, path, $"expected {expected}, got {node.Describe()}");
            return null;
        }

        var reader = new MappingReader(context, mapping, path);
        foreach (SourceEntry entry in mapping.Entries)
        {
            if (entry.Key is not SourceScalar keyNode)
            {
                context.Error(entry.Key, path, $"a key must be a plain name, got {entry.Key.Describe()}");
                continue;
            }

            string key = keyNode.Value;
            string field = FieldPath.Key(path, key);
            if (reader._entries.TryGetValue(key, out SourceEntry? first))
            {
                context.Error(keyNode, field,
                    $"duplicate key '{key}': already set on line {first.Key.Start.Line}; this one on line {keyNode.Start.Line} would silently replace it",
                    "keep one of the two");
                continue;
            }

            reader._entries.Add(key, entry);
            if (knownKeys is not null && !knownKeys.Contains(key))
            {
                KeyAdvice advice = adviseUnknownKey?.Invoke(key)
                    ?? new KeyAdvice($"unknown key '{key}'", Spelling.Suggest(key, knownKeys, "keys allowed here"));
                context.Error(keyNode, field, advice.Message, advice.Hint);
            }
        }

        return reader;
    }

    public string Field(string key) => FieldPath.Key(Path, key);

    public SourceScalar? KeyNode(string key) => _entries.TryGetValue(key, out SourceEntry? e) ? (SourceScalar)e.Key : null;

    /// <summary>The value of <paramref name="key"/>; null when absent or written without a value.</summary>
    public SourceNode? Value(string key) =>
        _entries.TryGetValue(key, out SourceEntry? e) && e.Value is not SourceScalar { IsNull: true } ? e.Value : null;

    public bool Has(string key) => Value(key) is not null;

    /// <summary>Reports <paramref name="key"/> as required but missing or empty.</summary>
    public void ReportMissing(string key, string? hint = null)
    {
        if (KeyNode(key) is { } keyNode)
        {
            _context.Error(keyNode, Field(key), $"'{key}' has no value", hint);
        }
        else
        {
            _context.Error(Node, Field(key), $"missing required key '{key}'", hint);
        }
    }

    public SourceScalar? Scalar(string key, bool required = false, string? requiredHint = null)
    {
        SourceNode? value = Value(key);
        switch (value)
        {
            case null:
                if (required)
                {
                    ReportMissing(key, requiredHint);
                }

                return null;
            case SourceScalar scalar:
                return scalar;
            default:
                _context.Error(value, Field(key), $"expected text, got {value.Describe()}");
                return null;
        }
    }

    public string? Text(string key, bool required = false, string? requiredHint = null) =>
        Scalar(key, required, requiredHint)?.Value;

    public bool? Bool(string key)
    {
        SourceScalar? scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        if (ScalarValues.TryBool(scalar, out bool value))
        {
            return value;
        }

        _context.Error(scalar, Field(key), $"expected true or false, got {scalar.Describe()}",
            ScalarValues.LooksLikeOldBool(scalar) ? "write true or false" : null);
        return null;
    }

    public double? Number(string key, NumberRange range, bool required = false)
    {
        SourceScalar? scalar = Scalar(key, required);
        return scalar is null ? null : ReadNumber(scalar, Field(key), range);
    }

    public double? ReadNumber(SourceScalar scalar, string field, NumberRange range)
    {
        if (!ScalarValues.TryNumber(scalar, out double value))
        {
            string? hint = !scalar.IsPlain && double.TryParse(scalar.Value, System.Globalization.CultureInfo.InvariantCulture, out _)
                ? "remove the quotes: a quoted number is text"
                : null;
            string expected = range == NumberRange.Any ? "a number" : $"a number {range.Words}";
            _context.Error(scalar, field, $"expected {expected}, got {scalar.Describe()}", hint);
            return null;
        }

        if (!range.Contains(value))
        {
            _context.Error(scalar, field, $"must be {range.Words}, got {ScalarValues.Format(value)}");
            return null;
        }

        return value;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="words"/> says so in messages.</summary>
    public long? Integer(string key, long min = long.MinValue, long max = long.MaxValue, string? words = null)
    {
        SourceScalar? scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        if (!ScalarValues.TryInteger(scalar, out long value))
        {
            string expected = words is null ? "a whole number" : $"a whole number, {words}";
            _context.Error(scalar, Field(key), $"expected {expected}, got {scalar.Describe()}");
            return null;
        }

        if (value < min || value > max)
        {
            _context.Error(scalar, Field(key), $"must be {words ?? $"between {min} and {max}"}, got {value}");
            return null;
        }

        return value;
    }

    /// <summary>
    /// A list of text items. With <paramref name="allowSingle"/>, a lone scalar counts as a list of one.
    /// Returns null when absent or not a list; bad items are reported and left out.
    /// </summary>
    public IReadOnlyList<ListItem>? TextList(string key, string itemWords, bool allowSingle = false)
    {
        SourceNode? value = Value(key);
        string field = Field(key);
        switch (value)
        {
            case null:
                return null;
            case SourceScalar single when allowSingle:
                return [new ListItem(single, field)];
            case SourceScalar single:
                _context.Error(single, field, $"expected a list of {itemWords}, got {single.Describe()}",
                    $"write it as a list: [{single.Value}]");
                return null;
            case SourceMapping:
                _context.Error(value, field, $"expected a list of {itemWords}, got {value.Describe()}");
                return null;
        }

        var items = new List<ListItem>();
        var sequence = (SourceSequence)value;
        for (int i = 0; i < sequence.Items.Count; i++)
        {
            SourceNode item = sequence.Items[i];
            string itemField = FieldPath.Index(field, i);
            if (item is SourceScalar { IsNull: false } scalar)
            {
                items.Add(new ListItem(scalar, itemField));
            }
            else
            {
                _context.Error(item, itemField, $"expected text, got {item.Describe()}");
            }
        }

        return items;
    }

    /// <summary>A nested mapping; null when absent or not a mapping (reported).</summary>
    public MappingReader? Mapping(string key, string expected, IReadOnlyCollection<string>? knownKeys, Func<string, KeyAdvice?>? adviseUnknownKey = null)
    {
        SourceNode? value = Value(key);
        return value is null ? null : Open(_context, value, Field(key), expected, knownKeys, adviseUnknownKey);
    }

    /// <summary>A nested list; null when absent or not a list (reported).</summary>
    public SourceSequence? Sequence(string key, string expected)
    {
        SourceNode? value = Value(key);
        switch (value)
        {
            case null:
                return null;
            case SourceSequence sequence:
                return sequence;
            default:
                _context.Error(value, Field(key), $"expected {expected}, got {value.Describe()}");
                return null;
        }
    }
}
