using Tailor.Data;
using Tailor.Data.Formats;
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

        return conversation.Messages.FirstOrDefault(m => m.Weight is { } w && w is not (0 or 1)) is { } weighted
            ? $"weight {weighted.Weight} on a {weighted.Role.ToString().ToLowerInvariant()} message: the local trainer learns a message wholly (1) or not at all (0)"
            : null;
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

    /// <summary>Every example of a prepared JSONL file (pre-flight wrote only valid lines), labelled <c>name:line</c>.</summary>
    public static async Task<List<TrainingExample>> ReadAsync(string path, string name, CancellationToken cancellationToken)
    {
        var examples = new List<TrainingExample>();
        await foreach (var record in DatasetReader.ReadFileAsync(path, cancellationToken))
        {
            if (record.Conversation is { } conversation)
            {
                examples.Add(ToExample(conversation, $"{name}:{record.Line}"));
            }
        }

        return examples;
    }
}
