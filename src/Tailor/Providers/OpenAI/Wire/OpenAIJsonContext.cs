using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Providers.OpenAI.Wire;

/// <summary>
/// Source-generated serialization for the chat-completions wire types: snake_case names, nulls omitted.
/// Use <see cref="JsonSerializerContext.Options"/> or the typed properties (<c>OpenAIJsonContext.Default.ChatCompletionRequest</c>)
/// on both the client and the server side.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(List<ContentPart>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
public sealed partial class OpenAIJsonContext : JsonSerializerContext;
