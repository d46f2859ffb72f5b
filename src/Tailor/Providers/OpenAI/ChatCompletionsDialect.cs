using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI;

/// <summary>
/// How one vendor's chat-completions API departs from OpenAI's. Every departure lives here, applied to a finished
/// OpenAI-shaped request just before it is sent, so the mapping and the client stay vendor-neutral.
/// </summary>
/// <remarks>Immutable; the static instances are safe to share.</remarks>
public sealed class ChatCompletionsDialect
{
    private ChatCompletionsDialect(string name)
    {
        Name = name;
    }

    /// <summary>Any OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio): the classic OpenAI members.</summary>
    public static ChatCompletionsDialect OpenAICompatible { get; } = new("openai-compatible")
    {
        SendsStreamOptions = true,
    };

    /// <summary>OpenAI itself: <c>max_completion_tokens</c>, which its reasoning models require instead of <c>max_tokens</c>.</summary>
    public static ChatCompletionsDialect OpenAI { get; } = new("openai")
    {
        SendsStreamOptions = true,
        UsesMaxCompletionTokens = true,
    };

    /// <summary>
    /// Mistral (<c>https://api.mistral.ai/v1/chat/completions</c>): <c>random_seed</c> instead of <c>seed</c>;
    /// no <c>stream_options</c> (its validator rejects unknown members with 422, and it sends usage in the last chunk
    /// anyway); <c>any</c> instead of <c>required</c>; tool-call ids of exactly 9 letters and digits.
    /// </summary>
    public static ChatCompletionsDialect Mistral { get; } = new("mistral")
    {
        SeedMember = "random_seed",
        RequiredToolChoice = "any",
        ToolCallIdLength = 9,
    };

    public string Name { get; }

    /// <summary>Whether streamed requests ask for a final usage chunk with <c>stream_options.include_usage</c>.</summary>
    public bool SendsStreamOptions { get; private init; }

    /// <summary>Whether the output limit is sent as <c>max_completion_tokens</c> rather than <c>max_tokens</c>.</summary>
    public bool UsesMaxCompletionTokens { get; private init; }

    /// <summary>JSON member that carries the sampling seed.</summary>
    public string SeedMember { get; private init; } = "seed";

    /// <summary><c>tool_choice</c> value that forces some tool call.</summary>
    public string RequiredToolChoice { get; private init; } = "required";

    /// <summary>Exact length of alphanumeric tool-call ids the vendor accepts; null when any id goes.</summary>
    public int? ToolCallIdLength { get; private init; }

    /// <summary>Rewrites an OpenAI-shaped request into this dialect, in place.</summary>
    public void Apply(ChatCompletionRequest request, bool stream)
    {
        ArgumentNullException.ThrowIfNull(request);

        request.Stream = stream ? true : null;
        request.StreamOptions = stream && SendsStreamOptions ? new StreamOptions { IncludeUsage = true } : null;

        if (UsesMaxCompletionTokens && request.MaxTokens is { } limit)
        {
            request.MaxCompletionTokens ??= limit;
            request.MaxTokens = null;
        }

        if (SeedMember != "seed" && request.Seed is { } seed)
        {
            (request.AdditionalProperties ??= [])[SeedMember] = JsonSerializer.SerializeToElement(seed, OpenAIJsonContext.Default.Int64);
            request.Seed = null;
        }

        if (request.ToolChoice is { Mode: "required" } && RequiredToolChoice != "required")
        {
            request.ToolChoice = ToolChoice.ForMode(RequiredToolChoice);
        }

        if (ToolCallIdLength is { } length)
        {
            foreach (var message in request.Messages)
            {
                foreach (var call in message.ToolCalls ?? [])
                {
                    call.Id = FitToolCallId(call.Id, length);
                }

                message.ToolCallId = FitToolCallId(message.ToolCallId, length);
            }
        }
    }

    /// <summary>
    /// Maps an id from another vendor (<c>call_abc…</c>) onto the accepted shape. The mapping is deterministic, so a
    /// call and the tool message answering it still match after the rewrite.
    /// </summary>
    internal static string? FitToolCallId(string? id, int length)
    {
        if (id is null || (id.Length == length && id.All(char.IsAsciiLetterOrDigit)))
        {
            return id;
        }

        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[hash[i] % alphabet.Length];
        }

        return new string(chars);
    }

    public override string ToString() => Name;
}
