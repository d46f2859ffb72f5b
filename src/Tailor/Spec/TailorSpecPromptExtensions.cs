using Tailor.Spec.Files;

namespace Tailor.Spec;

/// <summary>Renders the system prompts a <see cref="TailorSpec"/> defines.</summary>
public static class TailorSpecPromptExtensions
{
    /// <summary>
    /// Reads the prompt's template file, renders it with its variables and returns it with its
    /// content-hash version. Line endings are normalised to <c>\n</c> and trailing newlines at the
    /// end of the file are dropped, so a checkout on Windows renders the same prompt (and version).
    /// </summary>
    /// <remarks>The file is read on every call: the version always matches the text actually sent.</remarks>
    /// <exception cref="ArgumentException">The spec defines no prompt <paramref name="promptId"/>.</exception>
    /// <exception cref="FileNotFoundException">The template file does not exist.</exception>
    /// <exception cref="InvalidDataException">The template file is not UTF-8 text.</exception>
    /// <exception cref="InvalidOperationException">The template is malformed or uses a variable the spec does not define.</exception>
    public static SystemPrompt RenderPrompt(this TailorSpec spec, string promptId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(promptId);
        if (!spec.Prompts.TryGetValue(promptId, out PromptSpec? prompt))
        {
            string known = spec.Prompts.Count == 0 ? "it defines none" : "defined: " + string.Join(", ", spec.Prompts.Keys);
            throw new ArgumentException($"{SpecLocator.FileName} has no prompt '{promptId}' ({known}).", nameof(promptId));
        }

        string path = spec.ResolvePath(prompt.File);
        if (!TextFiles.TryReadUtf8(path, out string text, out FileProblem? problem))
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The file of prompt '{promptId}' was not found.", path);
            }

            throw new InvalidDataException($"Cannot read the file of prompt '{promptId}' ({path}): {problem!.Message}.");
        }

        string template = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        string rendered;
        try
        {
            rendered = PromptTemplate.Parse(template).Render(prompt.Variables);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Cannot render prompt '{promptId}' from {path}: {ex.Message}", ex);
        }

        return SystemPrompt.FromText(promptId, rendered);
    }

    /// <summary>
    /// The system prompt <paramref name="model"/> is steered with: its own <see cref="ModelSpec.Prompt"/>,
    /// else <see cref="DefaultsSpec.Prompt"/>; null when neither is set.
    /// </summary>
    /// <exception cref="ArgumentException">The prompt id named matches no prompt (impossible for a spec that loaded without errors).</exception>
    public static SystemPrompt? PromptFor(this TailorSpec spec, ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        string? promptId = model.Prompt ?? spec.Defaults.Prompt;
        return promptId is null ? null : spec.RenderPrompt(promptId);
    }
}
