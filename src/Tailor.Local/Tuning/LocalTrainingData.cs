using System.Globalization;
using Tailor.Data;
using Tailor.Data.Formats;
using Tailor.Data.Validation;
using Tailor.Local.Training;

namespace Tailor.Local.Tuning;

/// <summary>
/// Turns the data pipeline's <see cref="Conversation"/>s into the trainer's <see cref="TrainingExample"/>s: chat messages with
/// their 0/1 weights (a top-level system prompt becomes the first message), or plain text. Tool calls are not trained locally yet.
/// </summary>
public static class LocalTrainingData
{
    /// <summary>Why the local trainer cannot learn <paramref name="conversation"/>, or null when it can.</summary>
    public static string? Problem(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Tools.Count > 0 || conversation.Messages.Any(m => m.ToolCalls.Count > 0))
        {
            return "the local trainer does not learn tool calls yet (its chat template has no tool syntax); train this example on a hosted backend, or drop its tools";
        }

        int index = conversation.Messages.ToList().FindIndex(m => m.Weight is { } w && w is not (0 or 1));
        return index < 0
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"message {index + 1} ({conversation.Messages[index].Role.ToString().ToLowerInvariant()}) has weight {conversation.Messages[index].Weight}: the local trainer learns a message wholly (1) or not at all (0)");
    }

    public static TrainingExample ToExample(Conversation conversation, string source)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Text is { } text)
        {
            return TrainingExample.PlainText(text, source);
        }

        var messages = new List<TrainingMessage>();
        if (conversation.SystemPrompt is { } system)
        {
            messages.Add(new TrainingMessage("system", system));
        }

        foreach (var message in conversation.Messages)
        {
            messages.Add(new TrainingMessage(message.Role.ToString().ToLowerInvariant(), message.Content ?? "", message.Weight is { } w ? (int)w : null));
        }

        return TrainingExample.Chat(messages, source);
    }

    /// <summary>
    /// Every example of a JSONL file (any format the data pipeline reads), labelled <c>name:line</c>. A line that is not an
    /// example the trainer can learn is added to <paramref name="problems"/> as <c>name:line: what is wrong</c>, or skipped
    /// when <paramref name="problems"/> is null (a file pre-flight prepared holds only good lines).
    /// </summary>
    public static async Task<List<TrainingExample>> ReadAsync(string path, string name, ICollection<string>? problems, CancellationToken cancellationToken)
    {
        var examples = new List<TrainingExample>();
        await foreach (var record in DatasetReader.ReadFileAsync(path, cancellationToken))
        {
            string source = $"{name}:{record.Line}";
            string? problem = record switch
            {
                { Parsed: null } => "the line is longer than the reader takes",
                { Parsed: { HasErrors: true } parsed } => parsed.Issues.First(i => i.Severity == IssueSeverity.Error).ToString(),
                { Conversation: null } => "not an example",
                { Conversation: { } conversation } => Problem(conversation),
            };
            if (problem is null)
            {
                examples.Add(ToExample(record.Conversation!, source));
            }
            else
            {
                problems?.Add($"{source}: {problem}");
            }
        }

        return examples;
    }
}
