using System.Runtime.CompilerServices;
using System.Text.Json;
using Tailor.Text;

namespace Tailor.Moderation.Evaluation;

/// <summary>
/// Reads labelled JSONL, one example per line, streaming:
/// <c>{"text": "...", "labels": ["self_harm"], "direction": "input", "tags": ["lookalike"], "group": "t12"}</c>.
/// <c>labels</c> may be empty (benign); <c>direction</c>, <c>tags</c> and <c>group</c> are optional. A line that cannot
/// be used is reported to <c>onProblem</c> with its number, the member at fault and a fix, and reading goes on.
/// </summary>
/// <remarks>Stateless; each enumeration reads the file again.</remarks>
public static class LabelledTextReader
{
    private static readonly string[] Members = ["text", "labels", "direction", "tags", "group"];

    public static async IAsyncEnumerable<LabelledText> ReadAsync(
        string path, Action<LabelledTextProblem> onProblem, string? displayName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(onProblem);
        string name = displayName ?? path;
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            if (Parse(line, name, number, onProblem) is { } example)
            {
                yield return example;
            }
        }
    }

    /// <summary>Every usable example of <paramref name="path"/>, in order (for training, which needs them all at once).</summary>
    public static async Task<List<LabelledText>> ReadAllAsync(string path, Action<LabelledTextProblem> onProblem, string? displayName = null, CancellationToken cancellationToken = default)
    {
        var all = new List<LabelledText>();
        await foreach (var example in ReadAsync(path, onProblem, displayName, cancellationToken).ConfigureAwait(false))
        {
            all.Add(example);
        }
        return all;
    }

    /// <summary>One line; null (and a problem reported) when it cannot be used.</summary>
    public static LabelledText? Parse(string line, string file, int number, Action<LabelledTextProblem> onProblem)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(onProblem);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            onProblem(new LabelledTextProblem(file, number, null, $"not valid JSON ({ex.Message})", "each line must be one JSON object: {\"text\": \"...\", \"labels\": []}"));
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                onProblem(new LabelledTextProblem(file, number, null, $"expected a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}", "write {\"text\": \"...\", \"labels\": [...]}"));
                return null;
            }
            foreach (var member in root.EnumerateObject())
            {
                if (!Members.Contains(member.Name))
                {
                    string? meant = Spelling.Closest(member.Name, Members) ?? (member.Name is "label" or "categories" or "category" ? "labels" : member.Name is "input" or "prompt" or "content" ? "text" : null);
                    onProblem(new LabelledTextProblem(file, number, member.Name, $"unknown member '{member.Name}'", meant is null ? $"known members: {string.Join(", ", Members)}" : $"did you mean '{meant}'?"));
                    return null;
                }
            }
            if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                onProblem(new LabelledTextProblem(file, number, "text", textElement.ValueKind == JsonValueKind.Undefined ? "missing" : $"expected a string, got {textElement.ValueKind.ToString().ToLowerInvariant()}", "every example needs \"text\": \"...\""));
                return null;
            }
            if (!root.TryGetProperty("labels", out var labelsElement) || labelsElement.ValueKind != JsonValueKind.Array)
            {
                onProblem(new LabelledTextProblem(file, number, "labels", labelsElement.ValueKind == JsonValueKind.Undefined ? "missing" : $"expected a list, got {labelsElement.ValueKind.ToString().ToLowerInvariant()}", "write \"labels\": [] for a benign text, or e.g. \"labels\": [\"self_harm\"]"));
                return null;
            }

            var labels = new List<string>();
            int i = 0;
            foreach (var label in labelsElement.EnumerateArray())
            {
                string field = $"labels[{i++}]";
                if (label.ValueKind != JsonValueKind.String)
                {
                    onProblem(new LabelledTextProblem(file, number, field, $"expected a category name, got {label.ValueKind.ToString().ToLowerInvariant()}", null));
                    return null;
                }
                string value = label.GetString()!;
                if (!ModerationCategories.IsKnown(value))
                {
                    onProblem(new LabelledTextProblem(file, number, field, $"unknown moderation category '{value}'", Spec.Loading.CategoryNames.Hint(value)));
                    return null;
                }
                if (!labels.Contains(value))
                {
                    labels.Add(value);
                }
            }

            var direction = ModerationDirection.Input;
            if (root.TryGetProperty("direction", out var directionElement))
            {
                switch (directionElement.ValueKind == JsonValueKind.String ? directionElement.GetString() : null)
                {
                    case "input":
                        break;
                    case "output":
                        direction = ModerationDirection.Output;
                        break;
                    default:
                        onProblem(new LabelledTextProblem(file, number, "direction", $"expected \"input\" or \"output\", got {directionElement.GetRawText()}", null));
                        return null;
                }
            }

            var tags = new List<string>();
            if (root.TryGetProperty("tags", out var tagsElement))
            {
                if (tagsElement.ValueKind != JsonValueKind.Array || tagsElement.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                {
                    onProblem(new LabelledTextProblem(file, number, "tags", "expected a list of strings", "e.g. \"tags\": [\"lookalike\"]"));
                    return null;
                }
                tags.AddRange(tagsElement.EnumerateArray().Select(t => t.GetString()!));
            }

            string? group = root.TryGetProperty("group", out var groupElement) && groupElement.ValueKind == JsonValueKind.String ? groupElement.GetString() : null;
            return new LabelledText(textElement.GetString()!, labels, direction, tags, group, number);
        }
    }
}
