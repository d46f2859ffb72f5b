using Tailor.Local.Tokenizer;

namespace Tailor.Local.Training.Data;

/// <summary>
/// Turns <see cref="TrainingExample"/>s into token ids and loss masks exactly as inference will see the text: conversations
/// through the ChatML template (<see cref="EncodedChat"/>: assistant content and its closing <c>&lt;|im_end|&gt;</c> are
/// learnable), plain text as BOS + text + EOS with every token learned. Reports every bad example with its source.
/// </summary>
/// <remarks>Thread-safe once built (the tokenizer is read-only).</remarks>
internal sealed class ExampleEncoder
{
    private static readonly HashSet<string> s_roles = new(["system", "user", "assistant", "tool"], StringComparer.Ordinal);
    private const int MaxReportedErrors = 20;

    private readonly LlamaTokenizer _tokenizer;
    private readonly int _sequenceLength;

    public ExampleEncoder(LlamaTokenizer tokenizer, int sequenceLength)
    {
        _tokenizer = tokenizer;
        _sequenceLength = sequenceLength;
    }

    /// <summary>
    /// Encodes every example and splits the ones longer than the sequence length into windows that overlap by one token
    /// (so every token of a long text is predicted once). Throws one input-error <see cref="TrainingException"/> listing the
    /// first bad examples.
    /// </summary>
    public List<TokenizedExample> Encode(IReadOnlyList<TrainingExample> examples, string setName)
    {
        var result = new List<TokenizedExample>(examples.Count);
        var errors = new List<string>();
        var errorCount = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var example = examples[i];
            var source = example.Source ?? $"{setName} example {i + 1}";
            var (encoded, error) = EncodeOne(example);
            if (error is not null)
            {
                if (errorCount++ < MaxReportedErrors)
                {
                    errors.Add($"{source}: {error}");
                }

                continue;
            }

            result.AddRange(Split(encoded! with { ExampleIndex = i }, source));
        }

        if (errorCount > 0)
        {
            var more = errorCount > errors.Count ? $"{Environment.NewLine}... and {errorCount - errors.Count} more" : "";
            throw new TrainingException($"{errorCount} bad {setName} example(s):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}{more}", isInputError: true);
        }

        return result;
    }

    private (TokenizedExample? Example, string? Error) EncodeOne(TrainingExample example)
    {
        if (example.Text is { } text)
        {
            if (text.Length == 0)
            {
                return (null, "the text is empty");
            }

            // BOS (when the vocabulary adds one) + text + EOS: the model learns where a document ends.
            var vocabulary = _tokenizer.Vocabulary;
            var ids = _tokenizer.Encode(text, addSpecial: true).Append(vocabulary.EosId).ToArray();
            var trained = new bool[ids.Length];
            Array.Fill(trained, true);
            return (new TokenizedExample(ids, trained, "", -1), null);
        }

        var messages = example.Messages;
        if (messages is null || messages.Count == 0)
        {
            return (null, "has neither text nor messages");
        }

        var learned = false;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            if (message is null || message.Role is null || message.Content is null)
            {
                return (null, $"message {m + 1} needs a role and a content");
            }

            if (!s_roles.Contains(message.Role))
            {
                return (null, $"message {m + 1} has role '{message.Role}'; the roles are system, user, assistant and tool");
            }

            if (message.Weight is { } w && w is not (0 or 1))
            {
                return (null, $"message {m + 1} has weight {w}; weights are 0 (context only) or 1 (learned)");
            }

            if (message.Weight == 1 && message.Role != "assistant")
            {
                return (null, $"message {m + 1} is a {message.Role} message with weight 1; only assistant messages are learned");
            }

            learned |= message.Role == "assistant" && message.Weight != 0;
        }

        if (!learned)
        {
            return (null, "has no assistant message to learn (every assistant message has weight 0, or there is none)");
        }

        var chat = EncodedChat.Encode(_tokenizer, ChatTemplate.ChatMl, messages.Select(m => new ChatTurn(m.Role, m.Content)));
        var mask = new bool[chat.Ids.Length];
        for (var i = 0; i < mask.Length; i++)
        {
            var owner = chat.MessageIndex[i];
            mask[i] = chat.Trainable[i] && owner >= 0 && messages[owner].Weight != 0;
        }

        return (new TokenizedExample(chat.Ids, mask, "", -1), null);
    }

    private IEnumerable<TokenizedExample> Split(TokenizedExample example, string source)
    {
        var length = example.Tokens.Length;
        if (length <= _sequenceLength)
        {
            yield return example with { Source = source };
            yield break;
        }

        // Windows of T tokens that overlap by one: the last token of a window is the first (context only) of the next.
        var stride = _sequenceLength - 1;
        for (var start = 0; start < length - 1; start += stride)
        {
            var count = Math.Min(_sequenceLength, length - start);
            var trained = example.Trained.AsSpan(start, count).ToArray();
            if (trained.Skip(1).Any(t => t))
            {
                yield return new TokenizedExample(example.Tokens.AsSpan(start, count).ToArray(), trained, $"{source} (tokens {start}..{start + count})", example.ExampleIndex);
            }
        }
    }
}
