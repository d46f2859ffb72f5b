namespace Tailor.Chat;

/// <summary>How the configured system prompt meets system messages the caller sent.</summary>
public enum SystemPromptMode
{
    /// <summary>The configured prompt goes first; the caller's system messages follow it. Nothing is dropped.</summary>
    Prepend,

    /// <summary>The configured prompt replaces the caller's system messages: the application's prompt is enforced.</summary>
    Replace,

    /// <summary>The configured prompt is used only when the caller sent no system message.</summary>
    Default,
}
