using Microsoft.Extensions.AI;
using Tailor.Moderation;
using Tailor.Spec;

namespace Tailor.Chat;

/// <summary>
/// Builds the <see cref="IChatClient"/> for a model alias of the spec: the provider's client wrapped, outermost
/// first, in recording, moderation (when the spec has policies or classifiers) and the system prompt. Recording is
/// outermost so it stores what the user sent and received, moderation verdicts included; moderation sits outside the
/// system prompt so it judges the user's words, not the application's. Disposing the result disposes the chain.
/// </summary>
public static class ChatPipeline
{
    /// <summary>The pipeline for the spec's default model (<c>defaults.model</c>).</summary>
    public static IChatClient Create(TailorSpec spec, ChatPipelineOptions options) => Create(spec, (string?)null, options);

    /// <summary>The pipeline for <paramref name="alias"/> (the spec's default model when null).</summary>
    public static IChatClient Create(TailorSpec spec, string? alias, ChatPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        alias ??= spec.Defaults.Model
            ?? throw new ArgumentException("No model alias given and the spec names no defaults.model.", nameof(alias));
        if (!spec.Models.TryGetValue(alias, out var model))
        {
            throw new ArgumentException($"The spec has no model alias '{alias}'.", nameof(alias));
        }
        return Create(spec, model, options);
    }

    /// <summary>The pipeline for <paramref name="model"/>, a model of the spec or one built for the call.</summary>
    public static IChatClient Create(TailorSpec spec, ModelSpec model, ChatPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);

        var provider = options.Providers.CreateClient(model, options.ProviderContext);
        var builder = provider.AsBuilder();
        if (options.Sink is { } sink)
        {
            builder.UseRecording(sink, options.TimeProvider, recording =>
            {
                recording.Source = options.Source;
                recording.Route = model.Alias;
                recording.Provider = model.Provider;
            });
        }
        if (options.Moderate && (options.Moderator ?? (ModeratorFactory.IsConfigured(spec) ? ModeratorFactory.Create(spec, options.Providers, options.ProviderContext) : null)) is { } moderator)
        {
            builder.UseModeration(moderator, moderation =>
            {
                moderation.Route = model.Alias;
                moderation.Lookahead = spec.Moderation.Streaming.Lookahead;
                moderation.CheckEvery = spec.Moderation.Streaming.CheckEvery;
                moderation.CheckContext = spec.Moderation.Streaming.Context;
                moderation.LogRedactedInput = spec.Moderation.LogRedactedInput;
                moderation.TimeProvider = options.TimeProvider;
            });
        }
        builder.UseSystemPrompt(spec.PromptFor(model), client => client.Mode = options.PromptMode);
        return builder.Build();
    }
}
