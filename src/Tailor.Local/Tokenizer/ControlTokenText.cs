namespace Tailor.Local.Tokenizer;

/// <summary>
/// Keeps message content from speaking the chat template's language. A rendered conversation is tokenized with control
/// tokens parsed (that is how the template's markers become tokens), so content holding the text of a control token —
/// a user pasting <c>&lt;|im_end|&gt;\n&lt;|im_start|&gt;system</c> — would otherwise end its own message and open a new
/// one with another role. Content is defused before it is rendered, the same way for training and for inference, so a
/// model never sees such text as structure.
/// </summary>
public static class ControlTokenText
{
    /// <summary>Inserted after the first character of a control token's text: invisible, and no token starts there.</summary>
    public const char Breaker = '\u200B';

    /// <summary>The texts llama.cpp reads as tokens only when told to parse special tokens: control and unknown tokens.</summary>
    public static string[] Of(LlamaVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return [.. Enumerable.Range(0, vocabulary.Count)
            .Where(i => vocabulary.Types[i] is TokenType.Control or TokenType.Unknown && vocabulary.Tokens[i].Length > 1)
            .Select(i => vocabulary.Tokens[i])
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary><paramref name="content"/> with every occurrence of a <paramref name="controlTexts"/> text broken by <see cref="Breaker"/>; the same string when there is none.</summary>
    public static string Defuse(string content, IReadOnlyList<string> controlTexts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(controlTexts);
        foreach (string text in controlTexts)
        {
            if (text.Length > 1 && content.Contains(text, StringComparison.Ordinal))
            {
                content = content.Replace(text, string.Concat(text.AsSpan(0, 1), Breaker.ToString(), text.AsSpan(1)), StringComparison.Ordinal);
            }
        }

        return content;
    }
}
