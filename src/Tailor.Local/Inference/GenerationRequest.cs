using Microsoft.Extensions.AI;

namespace Tailor.Local.Inference;

/// <summary>Everything one generation needs, resolved from the request, the client's defaults and the model. Immutable.</summary>
internal sealed record GenerationRequest(
    int[] PromptTokens,
    float Temperature,
    float? TopP,
    int? TopK,
    float? FrequencyPenalty,
    float? PresencePenalty,
    uint Seed,
    int MaxOutputTokens,
    IReadOnlyList<string> StopSequences,
    string ResponseId,
    string MessageId,
    DateTimeOffset CreatedAt)
{
    public static GenerationRequest Create(LocalModel model, IList<ChatMessage> messages, ChatOptions? options, LocalChatClientOptions client)
    {
        var defaults = client.Defaults;
        var prompt = PromptFormatter.Format(model, messages, options);
        var tokens = model.Tokenize(prompt, addSpecial: true, parseSpecial: true);
        if (tokens.Length >= 2 && tokens[0] == model.BosToken && tokens[1] == model.BosToken)
        {
            tokens = tokens[1..]; // the template wrote BOS itself
        }

        return new GenerationRequest(
            tokens,
            options?.Temperature ?? defaults?.Temperature ?? client.DefaultTemperature,
            options?.TopP ?? defaults?.TopP,
            options?.TopK ?? defaults?.TopK,
            options?.FrequencyPenalty ?? defaults?.FrequencyPenalty,
            options?.PresencePenalty ?? defaults?.PresencePenalty,
            SamplerFactory.Seed(options, defaults),
            options?.MaxOutputTokens is > 0 ? options.MaxOutputTokens.Value : defaults?.MaxOutputTokens ?? int.MaxValue,
            [.. options?.StopSequences ?? [], .. defaults?.StopSequences ?? []],
            "local-" + Guid.NewGuid().ToString("N"),
            "msg-" + Guid.NewGuid().ToString("N"),
            client.TimeProvider.GetUtcNow());
    }
}
