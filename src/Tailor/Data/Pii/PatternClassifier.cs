using System.Text.Json;
using System.Text.RegularExpressions;
using Tailor.Moderation;

namespace Tailor.Data.Pii;

/// <summary>One user-defined pattern: what it finds (<see cref="Label"/>), the canonical category it belongs to, and the regular expression.</summary>
public sealed record PiiPattern(string Label, string Category, string Pattern);

/// <summary>
/// A detector built from the user's own regular expressions: identifiers only they know (employee
/// numbers, contract ids, internal hostnames). Patterns run with .NET's non-backtracking engine, so
/// no input can make one run away. Complements the moderation layer's built-in detectors.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class PatternClassifier : IModerationClassifier
{
    private readonly List<(PiiPattern Pattern, Regex Regex)> _patterns;

    private PatternClassifier(List<(PiiPattern, Regex)> patterns) => _patterns = patterns;

    public string Name => "patterns";

    public IReadOnlyList<PiiPattern> Patterns => _patterns.Select(p => p.Pattern).ToList();

    /// <summary>Compiles <paramref name="patterns"/>; each unusable one is reported (by index) in the exception.</summary>
    /// <exception cref="InvalidDataException">A pattern does not compile, or names an unknown category.</exception>
    public static PatternClassifier Create(IReadOnlyList<PiiPattern> patterns, string source = "patterns")
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var compiled = new List<(PiiPattern, Regex)>();
        var problems = new List<string>();
        for (int i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            if (string.IsNullOrWhiteSpace(pattern.Label))
            {
                problems.Add($"{source}[{i}].label: empty");
            }
            if (!ModerationCategories.IsKnown(pattern.Category))
            {
                problems.Add($"{source}[{i}].category: unknown category '{pattern.Category}' (e.g. {ModerationCategories.Privacy}, {ModerationCategories.Secrets})");
            }
            try
            {
                compiled.Add((pattern, new Regex(pattern.Pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                problems.Add($"{source}[{i}].pattern: {ex.Message} (lookarounds and backreferences are not supported)");
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join("\n", problems));
        }
        return new PatternClassifier(compiled);
    }

    /// <summary>Reads <c>[{"label": "employee_id", "category": "privacy", "pattern": "EMP-\\d{6}"}, ...]</c> from a JSON file.</summary>
    /// <exception cref="InvalidDataException">The file is not that shape, or a pattern is unusable; the message names the entry.</exception>
    public static PatternClassifier Load(string path, string? displayPath = null)
    {
        displayPath ??= path;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{displayPath}:{(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message})", ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{displayPath}: a list of {{\"label\", \"category\", \"pattern\"}} objects is expected");
            }
            var patterns = new List<PiiPattern>();
            int index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                string? Get(string key) => entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                string label = Get("label") ?? throw new InvalidDataException($"{displayPath}: [{index}].label is missing or not a string");
                string pattern = Get("pattern") ?? throw new InvalidDataException($"{displayPath}: [{index}].pattern is missing or not a string");
                patterns.Add(new PiiPattern(label, Get("category") ?? ModerationCategories.Privacy, pattern));
                index++;
            }
            return Create(patterns, displayPath);
        }
    }

    public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spans = new List<TextSpan>();
        foreach (var (pattern, regex) in _patterns)
        {
            foreach (Match match in regex.Matches(request.Text))
            {
                if (match.Length > 0)
                {
                    spans.Add(new TextSpan(match.Index, match.Length, pattern.Category, pattern.Label));
                }
            }
        }
        var scores = spans.Select(s => s.Category).Distinct(StringComparer.Ordinal).Select(c => new CategoryScore(c, 1)).ToList();
        return ValueTask.FromResult(new ModerationResult { Classifier = Name, Spans = spans, Scores = scores });
    }
}
