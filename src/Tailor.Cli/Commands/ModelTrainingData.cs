using System.Text.Json;
using Tailor.Local.Training;

namespace Tailor.Cli.Commands;

/// <summary>
/// Reads training data for <c>tailor model pretrain|finetune</c>: JSONL with <c>{"messages":[{"role","content","weight"?}]}</c>
/// (mistral-finetune's instruct format) or <c>{"text"}</c> per line, and .txt files (one plain-text example each). Every bad
/// line is reported as <c>file:line: what is wrong</c>; nothing is silently dropped.
/// </summary>
internal static class ModelTrainingData
{
    private const int MaxReported = 20;

    /// <summary>The examples of <paramref name="files"/>, in order; throws a bad-input <see cref="CliException"/> listing the bad lines.</summary>
    public static List<TrainingExample> Read(IEnumerable<string> files, string workingDirectory)
    {
        var examples = new List<TrainingExample>();
        var errors = new List<string>();
        foreach (var given in files)
        {
            var path = Path.GetFullPath(Path.Combine(workingDirectory, given));
            if (!File.Exists(path))
            {
                throw new CliException($"no data file at {given}", "give --data a .jsonl or .txt file");
            }

            if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                var text = File.ReadAllText(path);
                if (text.Length == 0)
                {
                    errors.Add($"{given}: the file is empty");
                }
                else
                {
                    examples.Add(TrainingExample.PlainText(text, given));
                }

                continue;
            }

            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var source = $"{given}:{number}";
                try
                {
                    examples.Add(Parse(line, source));
                }
                catch (FormatException ex)
                {
                    errors.Add($"{source}: {ex.Message}");
                }
                catch (JsonException ex)
                {
                    errors.Add($"{source}: not valid JSON ({ex.Message})");
                }
            }
        }

        if (errors.Count > 0)
        {
            var shown = string.Join(Environment.NewLine, errors.Take(MaxReported));
            var more = errors.Count > MaxReported ? $"{Environment.NewLine}... and {errors.Count - MaxReported} more" : "";
            throw new CliException($"{errors.Count} bad line(s) in the training data:{Environment.NewLine}{shown}{more}",
                "each line must be {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}, {\"role\": \"assistant\", \"content\": \"...\"}]} or {\"text\": \"...\"}");
        }

        if (examples.Count == 0)
        {
            throw new CliException("the training data is empty", "give --data a .jsonl with \"messages\" or \"text\" per line, or a .txt file");
        }

        return examples;
    }

    private static TrainingExample Parse(string line, string source)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object");
        }

        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                throw new FormatException("\"messages\" must be a non-empty array");
            }

            var turns = new List<TrainingMessage>();
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                index++;
                if (message.ValueKind != JsonValueKind.Object
                    || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                    || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"message {index} needs a string \"role\" and a string \"content\"");
                }

                int? weight = null;
                if (message.TryGetProperty("weight", out var w) && w.ValueKind != JsonValueKind.Null)
                {
                    if (w.ValueKind != JsonValueKind.Number || !w.TryGetDouble(out var value) || value is not (0 or 1))
                    {
                        throw new FormatException($"message {index} has weight {w.GetRawText()}; weights are 0 or 1");
                    }

                    weight = (int)value;
                }

                turns.Add(new TrainingMessage(role.GetString()!, content.GetString()!, weight));
            }

            return TrainingExample.Chat(turns, source);
        }

        if (root.TryGetProperty("text", out var text))
        {
            return text.ValueKind == JsonValueKind.String
                ? TrainingExample.PlainText(text.GetString()!, source)
                : throw new FormatException("\"text\" must be a string");
        }

        throw new FormatException("expected \"messages\" (instruct data) or \"text\" (pretraining data)");
    }
}
