using Microsoft.ML.Tokenizers;

namespace Tailor.Data.Tokens;

/// <summary>
/// An estimate of token counts with OpenAI's <c>o200k_base</c> BPE (Microsoft.ML.Tokenizers, whose
/// vocabulary ships inside its NuGet package: nothing is downloaded). Chat formatting adds
/// <see cref="TokensPerMessage"/> per message for the template's role markers, as OpenAI's cookbook
/// counts; tool definitions count as their JSON. Within a few percent of Llama/Mistral-class
/// tokenizers on English, further off on code and other scripts: always labelled an estimate.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class TiktokenEstimateCounter : ITokenCounter
{
    /// <summary>Template overhead per message (role and turn markers).</summary>
    public const int TokensPerMessage = 4;

    private static readonly Lazy<Tokenizer> SharedTokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public string Name => "o200k_base";

    public bool IsEstimate => true;

    public int CountText(string text) => SharedTokenizer.Value.CountTokens(text);

    public TokenCount Count(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Text is { } text)
        {
            int n = CountText(text);
            return new TokenCount(n, n);
        }
        int total = 0, trained = 0;
        if (conversation.SystemPrompt is { } system)
        {
            total += CountText(system) + TokensPerMessage;
        }
        foreach (var tool in conversation.Tools)
        {
            total += CountText(tool.Name) + CountText(tool.Description ?? "") + CountText(tool.ParametersJson ?? "");
        }
        foreach (var message in conversation.Messages)
        {
            int n = TokensPerMessage + (message.Content is { } content ? CountText(content) : 0);
            foreach (var call in message.ToolCalls)
            {
                n += CountText(call.Name) + CountText(call.Arguments) + 3;
            }
            total += n;
            if (message.IsTrained)
            {
                trained += n;
            }
        }
        return new TokenCount(total, trained);
    }
}
