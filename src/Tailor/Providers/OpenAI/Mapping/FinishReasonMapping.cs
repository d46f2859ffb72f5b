using Microsoft.Extensions.AI;

namespace Tailor.Providers.OpenAI.Mapping;

/// <summary>Finish reasons between the wire strings and <see cref="ChatFinishReason"/>.</summary>
internal static class FinishReasonMapping
{
    public static ChatFinishReason? FromWire(string? value) => value switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        // Mistral says model_length when the context window, not max_tokens, ended the answer.
        "length" or "model_length" => ChatFinishReason.Length,
        // function_call is the pre-tools OpenAI spelling.
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(value),
    };

    /// <summary>MEAI's well-known values are already OpenAI's strings.</summary>
    public static string? ToWire(ChatFinishReason? reason) => reason?.Value;
}
