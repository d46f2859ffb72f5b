using Tailor.Text;
namespace Tailor.Spec.Loading;

/// <summary>The model providers a spec can name, and what people write when they mean one of them.</summary>
internal static class ProviderNames
{
    public const string OpenAI = "openai";
    public const string OpenAICompatible = "openai-compatible";
    public const string Mistral = "mistral";
    public const string Local = "local";

    public static readonly string[] All = [OpenAI, OpenAICompatible, Mistral, Local];

    // Servers that speak the OpenAI API, and ways of saying "a GGUF file on this machine".
    private static readonly Dictionary<string, string> ByMeaning = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ollama"] = OpenAICompatible,
        ["vllm"] = OpenAICompatible,
        ["llama-server"] = OpenAICompatible,
        ["lmstudio"] = OpenAICompatible,
        ["lm-studio"] = OpenAICompatible,
        ["tgi"] = OpenAICompatible,
        ["azure"] = OpenAICompatible,
        ["azure-openai"] = OpenAICompatible,
        ["openrouter"] = OpenAICompatible,
        ["gguf"] = Local,
        ["llama.cpp"] = Local,
        ["llamacpp"] = Local,
        ["llamasharp"] = Local,
        ["mistralai"] = Mistral,
        ["mistral-ai"] = Mistral,
    };

    public static bool IsRemote(string provider) => provider is OpenAI or OpenAICompatible or Mistral;

    public static string Hint(string provider)
    {
        if (ByMeaning.TryGetValue(provider.Trim(), out string? meant))
        {
            return meant == OpenAICompatible
                ? $"'{provider}' serves the OpenAI API: use provider: openai-compatible with its base_url"
                : $"did you mean '{meant}'?";
        }

        return Spelling.Suggest(provider, All);
    }

    /// <summary>The environment variable a provider's key conventionally lives in.</summary>
    public static string KeyVariable(string? provider, string alias) => provider switch
    {
        Mistral => "MISTRAL_API_KEY",
        OpenAI => "OPENAI_API_KEY",
        _ => alias.ToUpperInvariant().Replace('-', '_').Replace('.', '_') + "_API_KEY",
    };
}
