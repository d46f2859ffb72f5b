namespace Tailor.Data.Text;

/// <summary>Which parts of a conversation a comparison looks at.</summary>
public enum ConversationPart
{
    /// <summary>Every message (and the text of a pretraining example); the system prompt only when asked.</summary>
    All,

    /// <summary>User messages only: what was asked, for prompt clusters and decontamination against eval inputs.</summary>
    Prompts,
}

/// <summary>The words of a conversation, hashed (<see cref="WordHasher"/>), in message order.</summary>
public static class ConversationWords
{
    /// <summary>
    /// Appends the word hashes of <paramref name="conversation"/>. The system prompt is left out unless
    /// <paramref name="includeSystem"/>: a prompt shared by every example would make them all look alike.
    /// </summary>
    public static void Hash(Conversation conversation, List<ulong> words, ConversationPart part = ConversationPart.All, bool includeSystem = false)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Text is { } text)
        {
            WordHasher.HashWords(text, words);
            return;
        }
        if (includeSystem && conversation.SystemPrompt is { } system)
        {
            WordHasher.HashWords(system, words);
        }
        foreach (var message in conversation.Messages)
        {
            if (part == ConversationPart.Prompts ? message.Role != MessageRole.User : message.Role == MessageRole.System && !includeSystem)
            {
                continue;
            }
            if (message.Content is { } content)
            {
                WordHasher.HashWords(content, words);
            }
            foreach (var call in message.ToolCalls)
            {
                WordHasher.HashWords(call.Name, words);
                WordHasher.HashWords(call.Arguments, words);
            }
        }
    }

    /// <summary>Characters of content, the "length" the keep-longest policy compares.</summary>
    public static long Length(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Text is { } text)
        {
            return text.Length;
        }
        long length = 0;
        foreach (var message in conversation.Messages)
        {
            length += message.Content?.Length ?? 0;
            foreach (var call in message.ToolCalls)
            {
                length += call.Name.Length + call.Arguments.Length;
            }
        }
        return length;
    }
}
