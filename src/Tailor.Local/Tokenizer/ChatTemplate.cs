using System.Text;

namespace Tailor.Local.Tokenizer;

/// <summary>One message of a conversation, for formatting and tokenizing.</summary>
public readonly record struct ChatTurn(string Role, string Content);

/// <summary>Where one message landed in a formatted conversation (UTF-16 indexes into <see cref="FormattedChat.Text"/>).</summary>
/// <param name="Index">Position of the message in the input.</param>
/// <param name="Role">Its role.</param>
/// <param name="Start">Start of the whole block, header included.</param>
/// <param name="ContentStart">Start of the content.</param>
/// <param name="ContentLength">Length of the content.</param>
/// <param name="EndTokenStart">Start of the end-of-turn marker that closes the content.</param>
/// <param name="End">End of the whole block, trailing newline included.</param>
public readonly record struct ChatMessageSpan(int Index, string Role, int Start, int ContentStart, int ContentLength, int EndTokenStart, int End);

/// <summary>A conversation rendered by a <see cref="ChatTemplate"/>, with the span of each message.</summary>
public sealed record FormattedChat(string Text, IReadOnlyList<ChatMessageSpan> Messages);

/// <summary>
/// The chat format of models Tailor creates: ChatML, <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per
/// message, then <c>&lt;|im_start|&gt;assistant\n</c> to prompt a reply. llama.cpp's <c>llama_chat_apply_template</c>
/// detects it from the Jinja text stored in the GGUF (it contains <c>&lt;|im_start|&gt;</c> and neither
/// <c>&lt;|im_sep|&gt;</c> nor <c>&lt;end_of_utterance&gt;</c>) and renders byte-identical text; a test checks it.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ChatTemplate
{
    /// <summary>ChatML, the template Tailor stores in the models it makes.</summary>
    public static ChatTemplate ChatMl { get; } = new(
        "chatml",
        "<|im_start|>",
        "<|im_end|>",
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");

    private ChatTemplate(string name, string startToken, string endOfTurnToken, string jinja)
    {
        Name = name;
        StartToken = startToken;
        EndOfTurnToken = endOfTurnToken;
        Jinja = jinja;
    }

    /// <summary>The name llama.cpp knows it by.</summary>
    public string Name { get; }

    public string StartToken { get; }

    /// <summary>Closes a message; generation stops on it.</summary>
    public string EndOfTurnToken { get; }

    /// <summary>The control tokens the vocabulary needs.</summary>
    public IReadOnlyList<string> ControlTokens => [StartToken, EndOfTurnToken];

    /// <summary>The Jinja text stored as <c>tokenizer.chat_template</c> (what HF tooling would render).</summary>
    public string Jinja { get; }

    /// <summary>Renders <paramref name="messages"/>; with <paramref name="addAssistantPrompt"/>, ends with the header of the assistant's reply.</summary>
    public FormattedChat Format(IEnumerable<ChatTurn> messages, bool addAssistantPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        var spans = new List<ChatMessageSpan>();
        var index = 0;
        foreach (var (role, content) in messages)
        {
            var start = text.Length;
            text.Append(StartToken).Append(role).Append('\n');
            var contentStart = text.Length;
            text.Append(content);
            var endToken = text.Length;
            text.Append(EndOfTurnToken).Append('\n');
            spans.Add(new ChatMessageSpan(index++, role, start, contentStart, content.Length, endToken, text.Length));
        }

        if (addAssistantPrompt)
        {
            text.Append(StartToken).Append("assistant\n");
        }

        return new FormattedChat(text.ToString(), spans);
    }

    /// <summary>True when <paramref name="jinja"/> is this template's text, so formatting can be done here rather than in llama.cpp.</summary>
    public bool Matches(string? jinja) => string.Equals(jinja, Jinja, StringComparison.Ordinal);
}
