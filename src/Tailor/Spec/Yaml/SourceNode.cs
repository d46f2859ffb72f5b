namespace Tailor.Spec.Yaml;

/// <summary>A 1-based line and column in a text file.</summary>
internal readonly record struct SourceMark(int Line, int Column);

/// <summary>
/// A YAML node with the position it starts at. Unlike YamlDotNet's representation model, a mapping
/// keeps every entry, duplicates included, so the validator can report each duplicate key.
/// </summary>
internal abstract class SourceNode(SourceMark start)
{
    public SourceMark Start { get; } = start;

    /// <summary>
    /// Just past the node's last character: a scalar's end, a flow collection's closing bracket, a block collection's last
    /// item. What surgical edits of the text need (see <c>Tuning/Aliases</c>).
    /// </summary>
    public SourceMark End { get; init; }

    /// <summary>What the node is, for "expected X, got Y" messages.</summary>
    public abstract string Describe();
}

internal sealed class SourceScalar(SourceMark start, string value, bool isPlain) : SourceNode(start)
{
    public string Value { get; } = value;

    /// <summary>Unquoted and untagged: only such a scalar can mean null, a number or a boolean.</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary>An empty value (<c>key:</c>), <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe()
    {
        if (IsNull)
        {
            return "no value";
        }

        string shown = Value.Length > 40 ? Value[..37] + "..." : Value;
        return $"'{shown.ReplaceLineEndings(" ")}'";
    }
}

internal sealed class SourceSequence(SourceMark start, IReadOnlyList<SourceNode> items) : SourceNode(start)
{
    public IReadOnlyList<SourceNode> Items { get; } = items;

    /// <summary>Written in brackets (<c>[a, b]</c>) rather than as <c>- a</c> lines.</summary>
    public bool IsFlow { get; init; }

    public override string Describe() => "a list";
}

internal sealed class SourceMapping(SourceMark start, IReadOnlyList<SourceEntry> entries) : SourceNode(start)
{
    /// <summary>Entries in document order, duplicates included; entries merged in with <c>&lt;&lt;</c> come last.</summary>
    public IReadOnlyList<SourceEntry> Entries { get; } = entries;

    /// <summary>Written in braces (<c>{a: 1}</c>) rather than as indented lines.</summary>
    public bool IsFlow { get; init; }

    public override string Describe() => "a mapping";
}

/// <summary>One <c>key: value</c> pair.</summary>
internal sealed record SourceEntry(SourceNode Key, SourceNode Value)
{
    /// <summary>The key's text, or null when the key is not a scalar (<c>? [a, b]</c>).</summary>
    public string? Name => Key is SourceScalar scalar ? scalar.Value : null;
}
