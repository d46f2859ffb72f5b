using LLama.Native;
using Microsoft.Extensions.AI;

namespace Tailor.Local.Inference;

/// <summary>Builds llama.cpp's sampler chain for one request.</summary>
internal static class SamplerFactory
{
    /// <summary>
    /// Temperature 0 is greedy (argmax, no randomness). Otherwise: penalties (when asked), top-k, top-p, temperature,
    /// then a draw seeded by <paramref name="seed"/>, so the same seed and prompt give the same reply.
    /// </summary>
    public static SafeLLamaSamplerChainHandle Create(float temperature, float? topP, int? topK, float? frequencyPenalty, float? presencePenalty, uint seed)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (frequencyPenalty is not null || presencePenalty is not null)
        {
            chain.AddPenalties(64, 1f, frequencyPenalty ?? 0f, presencePenalty ?? 0f);
        }

        if (temperature <= 0f)
        {
            chain.AddGreedySampler();
            return chain;
        }

        if (topK is > 0)
        {
            chain.AddTopK(topK.Value);
        }

        if (topP is > 0f and < 1f)
        {
            chain.AddTopP(topP.Value, 1);
        }

        chain.AddTemperature(temperature);
        chain.AddDistributionSampler(seed);
        return chain;
    }

    /// <summary>The seed of a request: its own, else the defaults', else a fresh random one.</summary>
    public static uint Seed(ChatOptions? request, ChatOptions? defaults) =>
        (request?.Seed ?? defaults?.Seed) is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next();
}
