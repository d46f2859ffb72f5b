using System.Text.RegularExpressions;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>models:</c>: alias -> provider, model id, endpoint, key variable, local file, options.
/// A key written in the file is an error; a local model file that does not exist yet is a warning
/// (tuning may not have produced it).
/// </summary>
internal sealed partial class ModelBinder(SpecReadContext context, References references)
{
    private static readonly string[] ModelKeys = ["provider", "model", "base_url", "api_key_env", "path", "adapters", "prompt", "options"];
    private static readonly string[] OptionKeys = ["temperature", "top_p", "max_tokens", "seed", "stop", "timeout", "max_retries", "threads", "context_size"];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentVariableName();

    public IReadOnlyDictionary<string, ModelSpec> Read(MappingReader root)
    {
        var models = new Dictionary<string, ModelSpec>(StringComparer.Ordinal);
        MappingReader? section = root.Mapping("models", "a mapping of model aliases to models (baseline: {provider: mistral, model: ...})", knownKeys: null);
        if (section is null)
        {
            return models;
        }

        foreach ((string alias, SourceScalar aliasNode, SourceNode value) in section.Entries)
        {
            string field = section.Field(alias);
            if (!SpecIds.IsValid(alias))
            {
                context.Error(aliasNode, field, $"invalid model alias '{alias}': {SpecIds.Rule}", $"try '{SpecIds.Fix(alias)}'");
            }

            string keyVariable = ProviderNames.KeyVariable(PeekProvider(value), alias);
            MappingReader? model = MappingReader.Open(context, value, field, "a model (provider:, model:, ...)", ModelKeys,
                key => SecretKeys.ForModel(key, keyVariable));
            models[alias] = model is null ? new ModelSpec { Alias = alias, Provider = "" } : ReadModel(alias, model);
        }

        return models;
    }

    private ModelSpec ReadModel(string alias, MappingReader model)
    {
        SourceScalar? providerNode = model.Scalar("provider", required: true, "one of: openai, openai-compatible, mistral, local");
        string provider = providerNode?.Value.Trim().ToLowerInvariant() ?? "";
        bool knownProvider = ProviderNames.All.Contains(provider);
        if (providerNode is not null && !knownProvider)
        {
            context.Error(providerNode, model.Field("provider"), $"unknown provider '{providerNode.Value}'", ProviderNames.Hint(providerNode.Value));
        }

        string? modelId = model.Text("model");
        if (knownProvider && ProviderNames.IsRemote(provider) && modelId is null)
        {
            model.ReportMissing("model", provider switch
            {
                ProviderNames.Mistral => "the model id to call, e.g. model: mistral-large-latest",
                ProviderNames.OpenAI => "the model id to call, e.g. model: gpt-4o-mini",
                _ => "the model id the server serves (listed at GET /v1/models)",
            });
        }

        Uri? baseUrl = ReadBaseUrl(model, provider);
        string? apiKeyEnv = ReadApiKeyEnv(model, provider, alias);
        string? path = ReadLocalFiles(model, provider, out IReadOnlyList<string> adapters);

        if (model.Scalar("prompt") is { } prompt)
        {
            references.Expect(ReferenceKind.Prompt, prompt, model.Field("prompt"));
        }

        return new ModelSpec
        {
            Alias = alias,
            Provider = provider,
            Model = modelId,
            BaseUrl = baseUrl,
            ApiKeyEnv = apiKeyEnv,
            Path = path,
            Adapters = adapters,
            Prompt = model.Text("prompt"),
            Options = ReadOptions(model, provider),
        };
    }

    private Uri? ReadBaseUrl(MappingReader model, string provider)
    {
        SourceScalar? node = model.Scalar("base_url");
        string field = model.Field("base_url");
        if (node is null)
        {
            if (provider == ProviderNames.OpenAICompatible)
            {
                model.ReportMissing("base_url", "the server's OpenAI API root, e.g. base_url: http://localhost:8080/v1");
            }

            return null;
        }

        if (provider == ProviderNames.Local)
        {
            context.Warning(node, field, "base_url is ignored: a local model runs in-process", "remove it, or use provider: openai-compatible for a server");
            return null;
        }

        if (Uri.TryCreate(node.Value, UriKind.Absolute, out Uri? url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        string hint = node.Value.Contains("://", StringComparison.Ordinal)
            ? "use an http:// or https:// URL"
            : $"write it with its scheme: http://{node.Value.TrimStart('/')}";
        context.Error(node, field, $"base_url must be an absolute http:// or https:// URL, got {node.Describe()}", hint);
        return null;
    }

    private string? ReadApiKeyEnv(MappingReader model, string provider, string alias)
    {
        SourceScalar? node = model.Scalar("api_key_env");
        if (node is null)
        {
            return null;
        }

        string field = model.Field("api_key_env");
        if (!EnvironmentVariableName().IsMatch(node.Value))
        {
            // Most likely the key itself was pasted here: say so without repeating it.
            context.Error(node, field, "api_key_env must be the NAME of an environment variable (letters, digits, _), not the key",
                $"e.g. api_key_env: {ProviderNames.KeyVariable(provider, alias)}");
            return null;
        }

        if (provider == ProviderNames.Local)
        {
            context.Warning(node, field, "api_key_env is ignored: a local model needs no key");
        }

        return node.Value;
    }

    private string? ReadLocalFiles(MappingReader model, string provider, out IReadOnlyList<string> adapters)
    {
        SourceScalar? path = model.Scalar("path");
        IReadOnlyList<ListItem>? adapterItems = model.TextList("adapters", "adapter file paths");
        adapters = adapterItems?.Select(a => a.Value).ToArray() ?? [];

        if (provider != ProviderNames.Local)
        {
            if (path is not null && ProviderNames.All.Contains(provider))
            {
                context.Warning(path, model.Field("path"), $"path is ignored: only local models load a file, this one is served by {provider}");
            }

            if (adapterItems is { Count: > 0 } && ProviderNames.All.Contains(provider))
            {
                context.Warning(model.Value("adapters")!, model.Field("adapters"), $"adapters are ignored: only local models apply adapter files, this one is served by {provider}");
            }

            return path?.Value;
        }

        if (path is null)
        {
            model.ReportMissing("path", "the GGUF file to load, relative to tailor.yaml, e.g. path: models/candidate.gguf");
        }
        else
        {
            context.RequireFile(path, model.Field("path"), SpecSeverity.Warning, "model file",
                "'tailor models promote <alias> <model>' points it at a tuned model, 'tailor model create' or 'tailor model finetune' writes one; until then this model cannot run");
        }

        foreach (ListItem adapter in adapterItems ?? [])
        {
            context.RequireFile(adapter.Node, adapter.Field, SpecSeverity.Warning, "adapter file",
                "it may not be trained yet; until then this model cannot run");
        }

        return path?.Value;
    }

    private ModelOptions ReadOptions(MappingReader model, string provider)
    {
        MappingReader? options = model.Mapping("options", "generation options (temperature:, max_tokens:, ...)", OptionKeys);
        if (options is null)
        {
            return new ModelOptions();
        }

        IReadOnlyList<ListItem>? stop = options.TextList("stop", "stop sequences", allowSingle: true);
        return new ModelOptions
        {
            Temperature = (float?)options.Number("temperature", NumberRange.Temperature),
            TopP = (float?)options.Number("top_p", NumberRange.TopP),
            MaxTokens = (int?)options.Integer("max_tokens", 1, int.MaxValue, "greater than 0"),
            Seed = options.Integer("seed"),
            Stop = stop?.Select(s => s.Value).ToArray() ?? [],
            Timeout = ReadTimeout(options),
            MaxRetries = (int?)options.Integer("max_retries", 0, int.MaxValue, "0 or more"),
            Threads = (int?)LocalOnly(options, "threads", provider, 1, 1024, "from 1 to 1024"),
            ContextSize = (int?)LocalOnly(options, "context_size", provider, 16, 1 << 20, "from 16 to 1048576"),
        };
    }

    /// <summary>A setting of the local engine: read and range-checked, with a warning when another provider serves the model.</summary>
    private long? LocalOnly(MappingReader options, string key, string provider, long min, long max, string range)
    {
        long? value = options.Integer(key, min, max, range);
        if (value is not null && provider != "local" && options.Value(key) is { } node)
        {
            context.Warning(node, options.Field(key), $"{key} is ignored: only local models run on this machine's engine, this one is served by {provider}");
        }

        return value;
    }

    private TimeSpan? ReadTimeout(MappingReader options)
    {
        SourceScalar? node = options.Scalar("timeout");
        if (node is null)
        {
            return null;
        }

        if (ScalarValues.TryDuration(node, out TimeSpan timeout) && timeout > TimeSpan.Zero)
        {
            return timeout;
        }

        context.Error(node, options.Field("timeout"), $"expected a duration greater than 0, got {node.Describe()}",
            "write seconds as a number, e.g. 30, or a number with a unit: 500ms, 30s, 2m, 1h30m");
        return null;
    }

    private static string? PeekProvider(SourceNode model) =>
        model is SourceMapping mapping
            ? mapping.Entries.FirstOrDefault(e => e.Name == "provider")?.Value is SourceScalar provider ? provider.Value.Trim().ToLowerInvariant() : null
            : null;
}
