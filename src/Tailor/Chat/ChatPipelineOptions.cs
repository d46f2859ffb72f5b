using Tailor.Moderation;
using Tailor.Providers;
using Tailor.Store;

namespace Tailor.Chat;

/// <summary>What <see cref="ChatPipeline"/> needs besides the spec.</summary>
public sealed class ChatPipelineOptions
{
    /// <summary>The providers a model alias can name.</summary>
    public ProviderRegistry Providers { get; init; } = ProviderRegistry.CreateDefault();

    public ProviderContext ProviderContext { get; init; } = new();

    /// <summary>Where every exchange is recorded; null records nothing.</summary>
    public IInteractionSink? Sink { get; init; }

    /// <summary>What the recorded exchanges came from (<c>chat</c>, <c>ask</c>, <c>eval</c>, <c>gateway</c>, ...).</summary>
    public string Source { get; init; } = "library";

    public SystemPromptMode PromptMode { get; init; } = SystemPromptMode.Prepend;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether the pipeline moderates at all; off leaves the moderation layer out whatever the spec says.</summary>
    public bool Moderate { get; init; } = true;

    /// <summary>The moderator to use; null builds one from the spec (<see cref="ModeratorFactory"/>) when it has policies or classifiers.</summary>
    public Moderator? Moderator { get; init; }
}
