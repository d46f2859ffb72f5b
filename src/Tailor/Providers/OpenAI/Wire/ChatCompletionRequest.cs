using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// The body of <c>POST /v1/chat/completions</c> in the OpenAI wire format, as clients send it and as an
/// OpenAI-compatible server (the gateway) reads it.
/// </summary>
/// <remarks>
/// A plain mutable data object: not thread-safe; build one per request. Null members are omitted when
/// serialized with <see cref="OpenAIJsonContext"/>. Keys this type does not model (vendor extensions such as
/// Mistral's <c>random_seed</c> or llama.cpp's <c>top_k</c>) round-trip through <see cref="AdditionalProperties"/>.
/// </remarks>
public sealed class ChatCompletionRequest
{
    /// <summary>Model id; optional for single-model servers such as llama-server.</summary>
    public string? Model { get; set; }

    public List<ChatCompletionMessage> Messages { get; set; } = [];

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    /// <summary>The classic output-token limit; Mistral and most local servers read this one.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>OpenAI's newer output-token limit (required by its reasoning models instead of <see cref="MaxTokens"/>).</summary>
    public int? MaxCompletionTokens { get; set; }

    /// <summary>Stop sequences; on the wire either one string or an array, always written as an array.</summary>
    [JsonConverter(typeof(StringOrArrayJsonConverter))]
    public List<string>? Stop { get; set; }

    public long? Seed { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public ResponseFormat? ResponseFormat { get; set; }

    public List<ChatCompletionTool>? Tools { get; set; }

    public ToolChoice? ToolChoice { get; set; }

    public bool? ParallelToolCalls { get; set; }

    /// <summary>Number of choices to generate.</summary>
    public int? N { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    /// <summary>An end-user id the vendor may use for abuse monitoring.</summary>
    public string? User { get; set; }

    /// <summary>Members not modelled above, kept verbatim in both directions.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
