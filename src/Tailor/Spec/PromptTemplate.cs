using System.Text;
using System.Text.RegularExpressions;

namespace Tailor.Spec;

/// <summary>
/// A system prompt template: text with <c>{{ name }}</c> placeholders that <see cref="Render"/>
/// replaces with variable values.
/// </summary>
/// <remarks>
/// <para>Syntax, deliberately small: <c>{{ name }}</c> with optional spaces or tabs inside the braces;
/// a name is letters, digits and <c>_</c>, not starting with a digit; a placeholder sits on one line.
/// <c>\{{</c> writes a literal <c>{{</c>. Anything else between <c>{{</c> and <c>}}</c> is an error
/// listed in <see cref="Errors"/>; single braces are ordinary text. Values are inserted as they are:
/// a value containing <c>{{ x }}</c> is not expanded again.</para>
/// <para>Immutable; safe to share across threads.</para>
/// </remarks>
public sealed partial class PromptTemplate
{
    private readonly IReadOnlyList<Part> _parts;

    private PromptTemplate(string source, IReadOnlyList<Part> parts, IReadOnlyList<PromptPlaceholder> placeholders, IReadOnlyList<PromptTemplateError> errors)
    {
        Source = source;
        _parts = parts;
        Placeholders = placeholders;
        Errors = errors;
        Variables = placeholders.Select(p => p.Name).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The template text as parsed.</summary>
    public string Source { get; }

    /// <summary>Every placeholder, in the order it appears.</summary>
    public IReadOnlyList<PromptPlaceholder> Placeholders { get; }

    /// <summary>Distinct variable names, in order of first use.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>Malformed placeholders; a template with errors cannot be rendered.</summary>
    public IReadOnlyList<PromptTemplateError> Errors { get; }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    /// <summary>True when <paramref name="name"/> can be used as a placeholder name.</summary>
    public static bool IsValidVariableName(string name) => VariableName().IsMatch(name);

    /// <summary>Parses <paramref name="text"/>; never throws for malformed placeholders (see <see cref="Errors"/>).</summary>
    public static PromptTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<Part>();
        var placeholders = new List<PromptPlaceholder>();
        var errors = new List<PromptTemplateError>();
        var literal = new StringBuilder();
        int line = 1;
        int column = 1;
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\\' && text.AsSpan(i + 1).StartsWith("{{", StringComparison.Ordinal))
            {
                literal.Append("{{");
                i += 3;
                column += 3;
                continue;
            }

            if (text.AsSpan(i).StartsWith("{{", StringComparison.Ordinal))
            {
                int lineEnd = text.IndexOf('\n', i);
                if (lineEnd < 0)
                {
                    lineEnd = text.Length;
                }

                int close = text.IndexOf("}}", i + 2, lineEnd - (i + 2), StringComparison.Ordinal);
                if (close < 0)
                {
                    errors.Add(new PromptTemplateError("unclosed placeholder: '{{' has no '}}' on the same line", line, column));
                    literal.Append("{{");
                    i += 2;
                    column += 2;
                    continue;
                }

                int end = close + 2;
                string inner = text[(i + 2)..close].Trim(' ', '\t');
                if (IsValidVariableName(inner))
                {
                    if (literal.Length > 0)
                    {
                        parts.Add(new Part(literal.ToString(), null));
                        literal.Clear();
                    }

                    var placeholder = new PromptPlaceholder(inner, i, end - i, line, column);
                    placeholders.Add(placeholder);
                    parts.Add(new Part(null, placeholder));
                }
                else
                {
                    errors.Add(new PromptTemplateError(
                        inner.Length == 0
                            ? "empty placeholder '{{}}': write {{ name }}, or \\{{ for literal braces"
                            : $"'{text[i..end]}' is not a placeholder: one variable name (letters, digits, _) goes between the braces; write \\{{{{ for literal braces",
                        line,
                        column));
                    literal.Append(text, i, end - i);
                }

                column += end - i;
                i = end;
                continue;
            }

            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }

            literal.Append(text[i]);
            i++;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }

        return new PromptTemplate(text, parts, placeholders, errors);
    }

    /// <summary>Replaces every placeholder with its value.</summary>
    /// <exception cref="InvalidOperationException">The template has <see cref="Errors"/>, or a variable it uses has no value.</exception>
    public string Render(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (Errors.Count > 0)
        {
            PromptTemplateError first = Errors[0];
            throw new InvalidOperationException($"The prompt template has {Errors.Count} malformed placeholder(s); the first, at line {first.Line}, column {first.Column}: {first.Message}.");
        }

        string[] missing = Variables.Where(v => !variables.ContainsKey(v)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"The prompt template uses {string.Join(", ", missing.Select(m => $"'{m}'"))} but no value was given.");
        }

        var text = new StringBuilder(Source.Length);
        foreach (Part part in _parts)
        {
            text.Append(part.Placeholder is { } p ? variables[p.Name] : part.Literal);
        }

        return text.ToString();
    }

    private readonly record struct Part(string? Literal, PromptPlaceholder? Placeholder);
}
