namespace Tailor.Tuning.Backends;

/// <summary>
/// List prices of hosted fine-tuning per million trained tokens, as published by the vendors in 2025. Prices change:
/// <see cref="HostedTuningOptions.PricePerMillionTokens"/> (<c>--price-per-million</c>) overrides them, and every
/// estimate says which price it used.
/// </summary>
internal static class HostedPrices
{
    public static readonly IReadOnlyDictionary<string, decimal> OpenAI = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["gpt-4o-mini-2024-07-18"] = 3.00m,
        ["gpt-4o-mini"] = 3.00m,
        ["gpt-4o-2024-08-06"] = 25.00m,
        ["gpt-4o"] = 25.00m,
        ["gpt-4.1-2025-04-14"] = 25.00m,
        ["gpt-4.1"] = 25.00m,
        ["gpt-4.1-mini-2025-04-14"] = 5.00m,
        ["gpt-4.1-mini"] = 5.00m,
        ["gpt-4.1-nano-2025-04-14"] = 1.50m,
        ["gpt-4.1-nano"] = 1.50m,
        ["gpt-3.5-turbo"] = 8.00m,
    };

    /// <summary>Mistral's minimum charge per fine-tuning job (its fine-tuning page); per-token prices come from its dry run.</summary>
    public const decimal MistralMinimumFee = 4m;

    public static decimal? Find(IReadOnlyDictionary<string, decimal> overrides, IReadOnlyDictionary<string, decimal>? builtIn, string model) =>
        overrides.TryGetValue(model, out var price) ? price
        : builtIn is not null && builtIn.TryGetValue(model, out var listed) ? listed
        : null;
}
