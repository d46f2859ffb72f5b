using Tailor.Local.Training;
using Tailor.Local.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// Reads training data for <c>tailor model pretrain|finetune</c>: JSONL in any format the data pipeline reads (chat
/// <c>{"messages"}</c> with 0/1 weights, or <c>{"text"}</c>), through the same reader and conversion as <c>tailor tune</c>;
/// and .txt files (one plain-text example each). Every bad line is reported as <c>file:line: what is wrong</c>; nothing is
/// silently dropped.
/// </summary>
internal static class ModelTrainingData
{
    private const int MaxReported = 20;

    /// <summary>The examples of <paramref name="files"/>, in order; throws a bad-input <see cref="CliException"/> listing the bad lines.</summary>
    public static async Task<List<TrainingExample>> ReadAsync(IEnumerable<string> files, string workingDirectory, CancellationToken cancellationToken)
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

            if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                examples.AddRange(await LocalTrainingData.ReadAsync(path, given, errors, cancellationToken));
                continue;
            }

            var text = await File.ReadAllTextAsync(path, cancellationToken);
            if (text.Length == 0)
            {
                errors.Add($"{given}: the file is empty");
            }
            else
            {
                examples.Add(TrainingExample.PlainText(text, given));
            }
        }

        if (errors.Count > 0)
        {
            var shown = string.Join(Environment.NewLine, errors.Take(MaxReported));
            var more = errors.Count > MaxReported ? $"{Environment.NewLine}... and {errors.Count - MaxReported} more" : "";
            throw new CliException($"{errors.Count} bad line(s) in the training data:{Environment.NewLine}{shown}{more}",
                "each line must be {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}, {\"role\": \"assistant\", \"content\": \"...\"}]} or {\"text\": \"...\"}; 'tailor data validate' explains every rule");
        }

        if (examples.Count == 0)
        {
            throw new CliException("the training data is empty", "give --data a .jsonl with \"messages\" or \"text\" per line, or a .txt file");
        }

        return examples;
    }
}
