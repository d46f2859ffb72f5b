using YamlDotNet.Core;

namespace Tailor.Spec.Yaml;

/// <summary>
/// Turns YamlDotNet's parser errors ("While parsing a block mapping, did not find expected key")
/// into what the user did wrong and where, correcting positions the parser reports loosely
/// (a tab is reported at the start of its mapping, not where it is).
/// </summary>
internal static class YamlSyntaxErrors
{
    public static YamlProblem Describe(YamlException ex, string text)
    {
        string[] lines = text.Split('\n');
        var at = new SourceMark((int)ex.Start.Line, (int)ex.Start.Column);
        string raw = ex.Message;

        if (raw.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            return new YamlProblem(
                FindIndentationTab(lines, at) ?? at,
                "a tab is used for indentation; YAML indents with spaces only",
                "replace the tab with spaces");
        }

        if (raw.Contains("quoted scalar", StringComparison.OrdinalIgnoreCase)
            && raw.Contains("unknown escape", StringComparison.OrdinalIgnoreCase))
        {
            return new YamlProblem(at, "unknown escape sequence in a double-quoted string",
                "in \"...\" a backslash starts an escape (\\n, \\\", \\\\); use single quotes for text with backslashes");
        }

        if (raw.Contains("quoted scalar", StringComparison.OrdinalIgnoreCase))
        {
            char quote = CharAt(lines, at) is '\'' ? '\'' : '"';
            return new YamlProblem(at, $"unclosed quote: the text opened with {quote} here is never closed",
                $"add the closing {quote} on the same line");
        }

        if (raw.Contains("found invalid mapping", StringComparison.OrdinalIgnoreCase))
        {
            string line = LineAt(lines, at.Line);
            int colon = at.Column - 1;
            int firstText = FirstTextColumn(line);
            // "key: a: b" - the second ': ' is inside a value, not a deeper key.
            if (firstText > 0 && line.IndexOf(": ", firstText - 1, StringComparison.Ordinal) is var first
                && first >= 0 && first < colon - 1)
            {
                return new YamlProblem(at, "a value contains ': ', which YAML reads as a nested key",
                    "put the value in quotes");
            }

            var start = new SourceMark(at.Line, firstText);
            return new YamlProblem(start, "bad indentation: this line is indented more than the line above allows",
                IndentationHint(lines, at.Line));
        }

        if (raw.Contains("expected '-' indicator", StringComparison.OrdinalIgnoreCase))
        {
            var start = new SourceMark(at.Line, Math.Max(1, FirstTextColumn(LineAt(lines, at.Line))));
            return new YamlProblem(start, "bad indentation: this line does not line up with the list item above it",
                IndentationHint(lines, at.Line));
        }

        if (raw.Contains("did not find expected key", StringComparison.OrdinalIgnoreCase))
        {
            string line = LineAt(lines, at.Line);
            int firstText = FirstTextColumn(line);
            if (firstText == at.Column)
            {
                if (line.AsSpan(firstText - 1).StartsWith("- ", StringComparison.Ordinal) || line.Trim() == "-")
                {
                    return new YamlProblem(at, "a list item ('- ') where a key was expected",
                        "indent the list under its key, or write it as 'key:' followed by '- item' lines");
                }

                return new YamlProblem(at, "bad indentation: this line does not line up with the keys above it",
                    IndentationHint(lines, at.Line));
            }

            return new YamlProblem(at, "unexpected text after the value",
                "a quoted string or a [list] must end the line; quote the whole value instead");
        }

        if (raw.Contains("expected ',' or ']'", StringComparison.Ordinal))
        {
            return new YamlProblem(at, "a [ ... ] list is not closed, or two items lack a comma between them",
                "close it with ] and separate items with commas");
        }

        if (raw.Contains("expected ',' or '}'", StringComparison.Ordinal))
        {
            return new YamlProblem(at, "a { ... } mapping is not closed, or two entries lack a comma between them",
                "close it with } and separate entries with commas");
        }

        if (raw.Contains("cannot start any token", StringComparison.OrdinalIgnoreCase))
        {
            char c = CharAt(lines, at) ?? '?';
            return new YamlProblem(at, $"'{c}' cannot start an unquoted value", "put the value in quotes");
        }

        return new YamlProblem(at, "YAML syntax error: " + PlainWords(raw), null);
    }

    /// <summary>The first tab inside a line's leading whitespace, from the reported line on.</summary>
    private static SourceMark? FindIndentationTab(string[] lines, SourceMark from)
    {
        for (int i = Math.Max(0, from.Line - 1); i < lines.Length; i++)
        {
            string line = lines[i];
            for (int c = 0; c < line.Length && line[c] is ' ' or '\t'; c++)
            {
                if (line[c] == '\t')
                {
                    return new SourceMark(i + 1, c + 1);
                }
            }
        }

        return null;
    }

    private static string IndentationHint(string[] lines, int lineNumber)
    {
        // The closest line above that holds a key tells the user which column to line up with.
        for (int i = lineNumber - 2; i >= 0; i--)
        {
            string line = lines[i];
            int column = FirstTextColumn(line);
            if (column == 0 || line[column - 1] == '#')
            {
                continue;
            }

            string content = line[(column - 1)..].TrimEnd('\r');
            if (content.StartsWith("- ", StringComparison.Ordinal))
            {
                content = content[2..];
                column += 2;
            }

            int colon = content.IndexOf(':', StringComparison.Ordinal);
            string key = colon > 0 ? content[..colon] : content;
            return $"keys of one mapping start in the same column; '{key}' on line {i + 1} starts at column {column}";
        }

        return "keys of one mapping start in the same column";
    }

    /// <summary>1-based column of the first non-space character; 0 for a blank line.</summary>
    private static int FirstTextColumn(string line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] is not ' ' and not '\t' and not '\r')
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static string LineAt(string[] lines, int lineNumber) =>
        lineNumber >= 1 && lineNumber <= lines.Length ? lines[lineNumber - 1] : "";

    private static char? CharAt(string[] lines, SourceMark at)
    {
        string line = LineAt(lines, at.Line);
        return at.Column >= 1 && at.Column <= line.Length ? line[at.Column - 1] : null;
    }

    // "While scanning X, found Y." -> "found Y"
    private static string PlainWords(string message)
    {
        int comma = message.IndexOf(", ", StringComparison.Ordinal);
        string rest = message.StartsWith("While ", StringComparison.Ordinal) && comma > 0 ? message[(comma + 2)..] : message;
        return rest.TrimEnd('.');
    }
}
