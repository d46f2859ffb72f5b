namespace Tailor.Tuning;

/// <summary>What kind of artefact a tuning job produced.</summary>
public enum TuningOutputKind
{
    /// <summary>A complete GGUF model file.</summary>
    Gguf,

    /// <summary>A LoRA adapter GGUF, used together with its base model.</summary>
    LoraAdapter,

    /// <summary>A model that lives at a vendor and is called by its id.</summary>
    Hosted,
}

/// <summary>
/// The model a finished job produced, as something a <c>models:</c> entry of tailor.yaml can point at. Immutable.
/// </summary>
public sealed record TuningOutput
{
    public required TuningOutputKind Kind { get; init; }

    /// <summary>The file (relative to the project when inside it) or the vendor's model id (<c>ft:open-mistral-7b:…</c>).</summary>
    public required string Reference { get; init; }

    /// <summary>For an adapter: the base GGUF it applies to.</summary>
    public string? BaseReference { get; init; }

    /// <summary>The spec provider that serves it: <c>local</c>, <c>mistral</c>, <c>openai</c> or <c>openai-compatible</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>For hosted models outside the vendor's default endpoint: the API root.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>For hosted models: the variable holding the key.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>SHA-256 of the file, for local outputs.</summary>
    public string? Sha256 { get; init; }

    public long? Bytes { get; init; }
}
