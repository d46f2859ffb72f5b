using Microsoft.Extensions.AI;
using Tailor.Moderation.Taxonomy;

namespace Tailor.Moderation.Guard;

/// <summary>
/// An LLM as a safety judge (<c>type: llm-guard</c>): any chat model (a Llama Guard GGUF on the local engine, a
/// remote model) is asked with the Llama Guard prompt (<see cref="LlamaGuardPrompt"/>) and its <c>safe</c> /
/// <c>unsafe</c> + codes answer is mapped into the canonical taxonomy. Scores are 1 for the categories it names and 0
/// for the rest of the taxonomy; an answer it cannot read becomes <see cref="ModerationResult.Error"/>.
/// </summary>
/// <remarks>Thread-safe when the chat client is. The guard is asked with temperature 0 and a short token budget.</remarks>
public sealed class LlmGuardClassifier : IModerationClassifier
{
    private readonly IChatClient _guard;
    private readonly VendorTaxonomy _categories;
    private readonly string[] _judged;

    public LlmGuardClassifier(IChatClient guard, VendorTaxonomy? categories = null)
    {
        _guard = guard ?? throw new ArgumentNullException(nameof(guard));
        _categories = categories ?? Crosswalks.LlamaGuard3;
        _judged = [.. _categories.Categories.SelectMany(c => c.Canonical).Distinct()];
    }

    /// <inheritdoc />
    public string Name { get; init; } = "llm-guard";

    /// <summary>Generation budget of the answer; <c>unsafe\nS1,S10</c> needs a handful of tokens.</summary>
    public int MaxOutputTokens { get; init; } = 20;

    /// <inheritdoc />
    public async ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string prompt = LlamaGuardPrompt.Build(request.Text, request.Direction, request.Context, _categories);
        var response = await _guard.GetResponseAsync(
            [new ChatMessage(ChatRole.User, prompt)],
            new ChatOptions { Temperature = 0, MaxOutputTokens = MaxOutputTokens },
            cancellationToken).ConfigureAwait(false);

        var verdict = LlamaGuardPrompt.Parse(response.Text, out string? problem);
        if (verdict is not { } judged)
        {
            return new ModerationResult { Classifier = Name, Error = problem };
        }

        var flagged = _categories.MapFlags(judged.Codes);
        return new ModerationResult
        {
            Classifier = Name,
            Scores = [.. _judged.Select(c => new CategoryScore(c, flagged.Contains(c) ? 1.0 : 0.0))],
            Flagged = flagged,
        };
    }
}
