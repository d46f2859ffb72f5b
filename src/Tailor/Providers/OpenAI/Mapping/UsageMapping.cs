using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI.Mapping;

/// <summary>Token usage between <see cref="ChatCompletionUsage"/> and <see cref="UsageDetails"/>.</summary>
internal static class UsageMapping
{
    public static UsageDetails FromWire(ChatCompletionUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens,
        CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
        ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
    };

    public static ChatCompletionUsage ToWire(UsageDetails usage)
    {
        var prompt = (int)(usage.InputTokenCount ?? 0);
        var completion = (int)(usage.OutputTokenCount ?? 0);
        return new ChatCompletionUsage
        {
            PromptTokens = prompt,
            CompletionTokens = completion,
            TotalTokens = (int)(usage.TotalTokenCount ?? prompt + completion),
            PromptTokensDetails = usage.CachedInputTokenCount is { } cached ? new PromptTokensDetails { CachedTokens = (int)cached } : null,
            CompletionTokensDetails = usage.ReasoningTokenCount is { } reasoning ? new CompletionTokensDetails { ReasoningTokens = (int)reasoning } : null,
        };
    }
}
