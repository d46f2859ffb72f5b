using System.Text;
using Tailor.Data;
using Tailor.Data.Tokens;
using Tailor.Local.Gguf;
using Tailor.Local.Tokenizer;

namespace Tailor.Cli.Commands;

/// <summary>
/// Counts tokens with a local GGUF model's own tokenizer, formatting each example with the model's
/// chat template as the trainer will (exact), or counting content alone when the template is one
/// the engine does not know (then labelled an estimate). Tool calls count as their JSON.
/// </summary>
/// <remarks>Thread-safe: the tokenizer is read-only after loading.</remarks>
internal sealed class DataLocalTokenCounter : ITokenCounter
{
    private readonly LlamaTokenizer _tokenizer;
    private readonly ChatTemplate? _template;

    private DataLocalTokenCounter(string name, LlamaTokenizer tokenizer, ChatTemplate? template)
    {
        Name = name;
        _tokenizer = tokenizer;
        _template = template;
    }

    public string Name { get; }

    public bool IsEstimate => _template is null;

    public static DataLocalTokenCounter Load(string ggufPath, string displayName)
    {
        using var file = GgufFile.Open(ggufPath);
        var vocabulary = LlamaVocabulary.FromGguf(file.Metadata);
        string? jinja = file.Metadata.GetString(GgufKeys.ChatTemplate);
        var template = ChatTemplate.ChatMl.Matches(jinja) ? ChatTemplate.ChatMl : null;
        return new DataLocalTokenCounter(template is null ? $"{displayName} (content only: unknown chat template)" : displayName, new LlamaTokenizer(vocabulary), template);
    }

    public TokenCount Count(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Text is { } text)
        {
            int n = _tokenizer.Encode(text, addSpecial: true).Length;
            return new TokenCount(n, n);
        }
        var turns = new List<ChatTurn>();
        var trained = new List<bool>();
        if (conversation.SystemPrompt is { } system)
        {
            turns.Add(new ChatTurn("system", system));
            trained.Add(false);
        }
        foreach (var message in conversation.Messages)
        {
            var content = new StringBuilder(message.Content ?? "");
            foreach (var call in message.ToolCalls)
            {
                content.Append(call.Name).Append(call.Arguments);
            }
            turns.Add(new ChatTurn(message.Role.ToString().ToLowerInvariant(), content.ToString()));
            trained.Add(message.IsTrained);
        }
        if (_template is null)
        {
            int total = 0, learnt = 0;
            for (int i = 0; i < turns.Count; i++)
            {
                int n = _tokenizer.Encode(turns[i].Content, addSpecial: false).Length;
                total += n;
                learnt += trained[i] ? n : 0;
            }
            return new TokenCount(total, learnt);
        }
        var encoded = EncodedChat.Encode(_tokenizer, _template, turns);
        int trainedTokens = 0;
        for (int i = 0; i < encoded.Ids.Length; i++)
        {
            if (encoded.Trainable[i] && encoded.MessageIndex[i] >= 0 && trained[encoded.MessageIndex[i]])
            {
                trainedTokens++;
            }
        }
        return new TokenCount(encoded.Ids.Length, trainedTokens);
    }
}
