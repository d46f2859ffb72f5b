using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Tailor.Spec.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="SourceNode"/> tree from YamlDotNet's parser events.
/// Aliases resolve to the anchored node (shared, never copied); <c>&lt;&lt;: *anchor</c> merge keys
/// add the anchored mapping's entries that the mapping does not set itself.
/// </summary>
/// <remarks>A syntax error ends reading: the YAML cannot be trusted past it.</remarks>
internal sealed class SourceDocumentReader
{
    // Deep enough for any real spec; stops a hostile "[[[[..." from exhausting the stack.
    private const int MaxDepth = 128;

    private readonly Parser _parser;
    private readonly Dictionary<string, SourceNode> _anchors = new(StringComparer.Ordinal);
    private readonly List<YamlProblem> _problems = [];

    private SourceDocumentReader(string text)
    {
        _parser = new Parser(new StringReader(text));
    }

    public static SourceParseResult Read(string text)
    {
        var reader = new SourceDocumentReader(text);
        try
        {
            return new SourceParseResult(reader.ReadStream(), reader._problems);
        }
        catch (YamlException ex)
        {
            reader._problems.Add(YamlSyntaxErrors.Describe(ex, text));
            return new SourceParseResult(null, reader._problems);
        }
        catch (NestingTooDeepException ex)
        {
            reader._problems.Add(new YamlProblem(ex.At, $"the YAML nests deeper than {MaxDepth} levels", null));
            return new SourceParseResult(null, reader._problems);
        }
    }

    private SourceNode? ReadStream()
    {
        Next(); // StreamStart
        Next();
        if (_parser.Current is StreamEnd)
        {
            return null;
        }

        Next(); // DocumentStart
        SourceNode root = ReadNode(0);
        Next(); // DocumentEnd
        if (_parser.Current is DocumentStart second)
        {
            _problems.Add(new YamlProblem(
                ToMark(second.Start),
                "a second YAML document starts here; the file must hold exactly one",
                "remove the '---' line and merge the two parts, or keep only one"));
        }

        return root;
    }

    private SourceNode ReadNode(int depth)
    {
        ParsingEvent current = _parser.Current ?? throw new InvalidOperationException("The YAML parser ended inside a node.");
        if (depth > MaxDepth)
        {
            throw new NestingTooDeepException(ToMark(current.Start));
        }

        switch (current)
        {
            case AnchorAlias alias:
                Next();
                if (_anchors.TryGetValue(alias.Value.Value, out SourceNode? target))
                {
                    return target;
                }

                _problems.Add(new YamlProblem(
                    ToMark(alias.Start),
                    $"'*{alias.Value.Value}' refers to no anchor defined above it",
                    $"define '&{alias.Value.Value}' on an earlier node, or fix the name"));
                return new SourceScalar(ToMark(alias.Start), "", isPlain: true);

            case Scalar scalar:
                Next();
                var node = new SourceScalar(ToMark(scalar.Start), scalar.Value, IsPlain(scalar)) { End = ToMark(scalar.End) };
                Remember(scalar, node);
                return node;

            case SequenceStart start:
            {
                Next();
                var items = new List<SourceNode>();
                while (_parser.Current is not SequenceEnd)
                {
                    items.Add(ReadNode(depth + 1));
                }

                var end = (SequenceEnd)_parser.Current!;
                Next();
                bool flow = start.Style == SequenceStyle.Flow;
                var sequence = new SourceSequence(ToMark(start.Start), items)
                {
                    IsFlow = flow,
                    End = flow ? ToMark(end.End) : items.Count > 0 ? items[^1].End : ToMark(start.End),
                };
                // Registered only once complete, so an alias inside its own anchor is reported, not a cycle.
                Remember(start, sequence);
                return sequence;
            }

            case MappingStart start:
            {
                Next();
                var entries = new List<SourceEntry>();
                var merged = new List<SourceEntry>();
                while (_parser.Current is not MappingEnd)
                {
                    SourceNode key = ReadNode(depth + 1);
                    SourceNode value = ReadNode(depth + 1);
                    if (key is SourceScalar { IsPlain: true, Value: "<<" })
                    {
                        CollectMerge(value, merged);
                    }
                    else
                    {
                        entries.Add(new SourceEntry(key, value));
                    }
                }

                var end = (MappingEnd)_parser.Current!;
                Next();
                // the end of the mapping's own text: merged entries and aliased values live elsewhere in the file
                var ownEnd = entries.Aggregate(ToMark(start.End), (last, e) => Later(Later(last, e.Key.End), e.Value.End));
                var own = entries.Select(e => e.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
                foreach (SourceEntry entry in merged)
                {
                    if (entry.Name is { } name && own.Add(name))
                    {
                        entries.Add(entry);
                    }
                }

                bool flow = start.Style == MappingStyle.Flow;
                var mapping = new SourceMapping(ToMark(start.Start), entries)
                {
                    IsFlow = flow,
                    End = flow ? ToMark(end.End) : ownEnd,
                };
                Remember(start, mapping);
                return mapping;
            }

            default:
                throw new InvalidOperationException($"Unexpected YAML event {current.GetType().Name} at {current.Start}.");
        }
    }

    private void CollectMerge(SourceNode value, List<SourceEntry> merged)
    {
        switch (value)
        {
            case SourceMapping mapping:
                merged.AddRange(mapping.Entries);
                break;
            case SourceSequence sequence when sequence.Items.All(i => i is SourceMapping):
                foreach (SourceMapping item in sequence.Items.Cast<SourceMapping>())
                {
                    merged.AddRange(item.Entries);
                }

                break;
            default:
                _problems.Add(new YamlProblem(
                    value.Start,
                    "'<<' merges a mapping into this one, but its value is not a mapping",
                    "write '<<: *anchor' where the anchor names a mapping"));
                break;
        }
    }

    private void Remember(NodeEvent nodeEvent, SourceNode node)
    {
        if (!nodeEvent.Anchor.IsEmpty)
        {
            _anchors[nodeEvent.Anchor.Value] = node;
        }
    }

    private void Next()
    {
        if (!_parser.MoveNext())
        {
            throw new InvalidOperationException("The YAML parser ended before the stream end event.");
        }
    }

    // A tag (!!str) makes the scalar's type explicit: it is then never read as null, a number or a bool.
    private static bool IsPlain(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific);

    private static SourceMark ToMark(Mark mark) => new((int)mark.Line, (int)mark.Column);

    private static SourceMark Later(SourceMark a, SourceMark b) => (a.Line, a.Column).CompareTo((b.Line, b.Column)) >= 0 ? a : b;

    private sealed class NestingTooDeepException(SourceMark at) : Exception("YAML nesting too deep.")
    {
        public SourceMark At { get; } = at;
    }
}
