namespace Tailor.Local.Tokenizer;

/// <summary>A tokenized conversation for training: ids, which ones carry loss, and which message each came from.</summary>
/// <param name="Ids">Token ids (BOS first when the vocabulary adds one).</param>
/// <param name="Trainable">True for the tokens of assistant content and of the end-of-turn marker that closes it.</param>
/// <param name="MessageIndex">Index of the message each token belongs to; -1 for BOS and the trailing assistant prompt.</param>
public sealed record EncodedChat(int[] Ids, bool[] Trainable, int[] MessageIndex)
{
    /// <summary>Formats and tokenizes <paramref name="messages"/> exactly as inference will see them (control tokens parsed).</summary>
    /// <remarks>Content holding a control token's text is defused first (<see cref="ControlTokenText"/>), as inference does: it stays text.</remarks>
    public static EncodedChat Encode(LlamaTokenizer tokenizer, ChatTemplate template, IEnumerable<ChatTurn> messages, bool addAssistantPrompt = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(template);
        var controls = tokenizer.ControlTexts;
        var formatted = template.Format(messages.Select(m => m with { Content = ControlTokenText.Defuse(m.Content, controls) }), addAssistantPrompt);
        var (ids, offsets) = tokenizer.EncodeWithOffsets(formatted.Text, addSpecial: true, parseSpecial: true);
        var trainable = new bool[ids.Length];
        var owner = new int[ids.Length];
        var m = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var at = offsets[i].Start;
            owner[i] = -1;
            if (offsets[i].Length == 0 && at == 0)
            {
                continue; // BOS
            }

            while (m < formatted.Messages.Count && at >= formatted.Messages[m].End)
            {
                m++;
            }

            if (m == formatted.Messages.Count || at < formatted.Messages[m].Start)
            {
                continue;
            }

            var span = formatted.Messages[m];
            owner[i] = span.Index;
            var endTokenEnd = span.EndTokenStart + template.EndOfTurnToken.Length;
            trainable[i] = span.Role == "assistant" && at >= span.ContentStart && offsets[i].End <= endTokenEnd;
        }

        return new EncodedChat(ids, trainable, owner);
    }
}
