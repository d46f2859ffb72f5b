namespace Tailor.Providers.OpenAI.Wire;

/// <summary>Token counts of one request: <c>{"prompt_tokens","completion_tokens","total_tokens",…}</c>.</summary>
public sealed class ChatCompletionUsage
{
    public int PromptTokens { get; set; }

    public int CompletionTokens { get; set; }

    public int TotalTokens { get; set; }

    public PromptTokensDetails? PromptTokensDetails { get; set; }

    public CompletionTokensDetails? CompletionTokensDetails { get; set; }
}

public sealed class PromptTokensDetails
{
    /// <summary>Prompt tokens served from the provider's prompt cache.</summary>
    public int? CachedTokens { get; set; }
}

public sealed class CompletionTokensDetails
{
    /// <summary>Hidden reasoning tokens of reasoning models.</summary>
    public int? ReasoningTokens { get; set; }
}
