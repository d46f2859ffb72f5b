using System.Runtime.CompilerServices;
using Tailor.Data.Formats;
using Tailor.Data.Text;
using Tailor.Spec.Files;
using Tailor.Spec.Yaml;

namespace Tailor.Data.Decontamination;

/// <summary>
/// Reads the texts to keep out of training data: eval suite files (YAML: each case's <c>input</c>,
/// and the user turns of its <c>messages</c>, if any) and held-out JSONL files (each example's
/// prompts, i.e. its user messages, or its text).
/// </summary>
public static class EvalTextReader
{
    /// <summary>The cases of a suite file; a file that cannot be read throws <see cref="InvalidDataException"/> naming where.</summary>
    public static IReadOnlyList<EvalText> FromSuite(string path, string? displayPath = null)
    {
        displayPath ??= path;
        if (!TextFiles.TryReadUtf8(path, out string text, out var problem))
        {
            throw new InvalidDataException($"{displayPath}: {problem!.Message}");
        }
        var parsed = SourceDocumentReader.Read(text);
        if (parsed.Problems.Count > 0)
        {
            var first = parsed.Problems[0];
            throw new InvalidDataException($"{displayPath}:{first.At.Line}:{first.At.Column}: {first.Message}");
        }
        if (parsed.Root is not SourceMapping root)
        {
            throw new InvalidDataException($"{displayPath}: a suite file holds a mapping with 'cases:'");
        }
        string suite = Scalar(root, "id") ?? Path.GetFileNameWithoutExtension(path);
        var texts = new List<EvalText>();
        if (Child(root, "cases") is SourceSequence cases)
        {
            for (int i = 0; i < cases.Items.Count; i++)
            {
                if (cases.Items[i] is not SourceMapping item)
                {
                    continue;
                }
                string id = $"{suite}/{Scalar(item, "id") ?? $"cases[{i}]"}";
                string origin = $"{displayPath}:{item.Start.Line}";
                var parts = new List<string>();
                if (Scalar(item, "input") is { Length: > 0 } input)
                {
                    parts.Add(input);
                }
                if (Child(item, "messages") is SourceSequence messages)
                {
                    foreach (var message in messages.Items.OfType<SourceMapping>())
                    {
                        if (Scalar(message, "role") is "user" && Scalar(message, "content") is { Length: > 0 } content)
                        {
                            parts.Add(content);
                        }
                    }
                }
                if (parts.Count > 0)
                {
                    texts.Add(new EvalText(id, origin, string.Join("\n", parts)));
                }
            }
        }
        return texts;
    }

    /// <summary>The examples of a held-out JSONL file (a validation or test split), by their prompts.</summary>
    public static async IAsyncEnumerable<EvalText> FromJsonlAsync(string path, string? displayPath = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        displayPath ??= path;
        await foreach (var record in DatasetReader.ReadFileAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (record.Conversation is not { } conversation)
            {
                continue;
            }
            string text = conversation.Text ?? string.Join("\n", conversation.Messages.Where(m => m.Role == MessageRole.User).Select(m => m.Content));
            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return new EvalText($"line {record.Line}", $"{displayPath}:{record.Line}", text);
            }
        }
    }

    private static SourceNode? Child(SourceMapping mapping, string key) => mapping.Entries.FirstOrDefault(e => e.Name == key)?.Value;

    private static string? Scalar(SourceMapping mapping, string key) =>
        Child(mapping, key) is SourceScalar { IsNull: false } scalar ? scalar.Value : null;

    internal static int WordCount(string text) => WordHasher.HashWords(text, new List<ulong>());
}
