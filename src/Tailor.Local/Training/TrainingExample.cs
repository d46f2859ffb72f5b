using System.Text.Json.Serialization;

namespace Tailor.Local.Training;

/// <summary>One message of a training conversation.</summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The text, as the model sees it.</param>
/// <param name="Weight">
/// 1 to learn this message, 0 to keep it as context only; null means the default: assistant messages are learned, the
/// others are not (mistral-finetune's convention). Only assistant messages can be learned; fractional weights are refused
/// (ggml's cross-entropy cannot weight a row without changing its gradient's shape).
/// </param>
public sealed record TrainingMessage(string Role, string Content, int? Weight = null);

/// <summary>
/// One training example: a conversation (instruct data: the loss falls on the assistant messages with weight 1) or a plain
/// text (pretraining data: the loss falls on every token). Immutable.
/// </summary>
public sealed record TrainingExample
{
    [JsonConstructor]
    private TrainingExample(IReadOnlyList<TrainingMessage>? messages, string? text, string? source)
    {
        Messages = messages;
        Text = text;
        Source = source;
    }

    /// <summary>The conversation, or null for a plain text.</summary>
    public IReadOnlyList<TrainingMessage>? Messages { get; }

    /// <summary>The plain text, or null for a conversation.</summary>
    public string? Text { get; }

    /// <summary>Where the example came from (e.g. <c>data.jsonl:12</c>), used in error messages; optional.</summary>
    public string? Source { get; }

    /// <summary>A conversation; the messages are kept as given.</summary>
    public static TrainingExample Chat(IEnumerable<TrainingMessage> messages, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new TrainingExample([.. messages], null, source);
    }

    /// <summary>A plain text; every token of it is learned.</summary>
    public static TrainingExample PlainText(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TrainingExample(null, text, source);
    }
}
