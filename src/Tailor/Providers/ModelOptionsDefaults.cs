using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Providers;

/// <summary>Applies a model's <see cref="ModelOptions"/> from <c>tailor.yaml</c> as defaults under a request's <see cref="ChatOptions"/>.</summary>
public static class ModelOptionsDefaults
{
    /// <summary>
    /// Returns a copy of <paramref name="options"/> in which every generation member the request left unset
    /// (temperature, top_p, max tokens, seed, stop sequences, model id) comes from <paramref name="defaults"/>.
    /// A value the request sets always wins. The caller's options are never mutated.
    /// </summary>
    public static ChatOptions ApplyTo(this ModelOptions defaults, ChatOptions? options, string? defaultModelId)
    {
        ArgumentNullException.ThrowIfNull(defaults);

        var effective = options?.Clone() ?? new ChatOptions();
        effective.ModelId ??= defaultModelId;
        effective.Temperature ??= defaults.Temperature;
        effective.TopP ??= defaults.TopP;
        effective.MaxOutputTokens ??= defaults.MaxTokens;
        effective.Seed ??= defaults.Seed;
        if (effective.StopSequences is not { Count: > 0 } && defaults.Stop.Count > 0)
        {
            effective.StopSequences = [.. defaults.Stop];
        }

        return effective;
    }
}
