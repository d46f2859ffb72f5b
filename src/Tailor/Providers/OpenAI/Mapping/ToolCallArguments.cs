using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI.Mapping;

/// <summary>
/// Tool-call arguments: on the wire a JSON object encoded as a string, in MEAI a dictionary.
/// Parsed values stay <see cref="JsonElement"/>s, which MEAI's function binding accepts.
/// </summary>
internal static class ToolCallArguments
{
    /// <summary>MEAI's defaults (any argument type serializes) but compact: the wire carries arguments as one-line strings.</summary>
    internal static JsonSerializerOptions CompactOptions { get; } = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static FunctionCallContent ToContent(string callId, string name, string? arguments) =>
        // CreateFromParsedArguments records a parse failure on the content instead of throwing,
        // so a model that emits broken JSON still yields a call the caller can report back.
        FunctionCallContent.CreateFromParsedArguments(arguments ?? "", callId, name, Parse);

    public static string Serialize(IDictionary<string, object?>? arguments)
    {
        if (arguments is null)
        {
            return "{}";
        }

        return JsonSerializer.Serialize(arguments, CompactOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    private static Dictionary<string, object?>? Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        var parsed = JsonSerializer.Deserialize(json, OpenAIJsonContext.Default.DictionaryStringJsonElement);
        return parsed?.ToDictionary(pair => pair.Key, pair => (object?)pair.Value);
    }
}
