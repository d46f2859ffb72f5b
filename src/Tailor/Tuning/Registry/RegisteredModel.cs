namespace Tailor.Tuning.Registry;

/// <summary>How a model came into the registry.</summary>
public enum ModelSource
{
    /// <summary>Produced by a <c>tailor tune</c> job.</summary>
    Tuned,

    /// <summary>Brought in with <c>tailor models import</c> (an external trainer's output, a downloaded GGUF).</summary>
    Imported,
}

/// <summary>
/// A model in the registry: what it is, where it is, and how it was made (<see cref="Lineage"/>). Registered models
/// are never edited in place; a new training run is a new model. Immutable.
/// </summary>
public sealed record RegisteredModel
{
    /// <summary>A readable id, e.g. <c>support-bot-01k2x9</c>; what <c>tailor models promote</c> takes.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required ModelSource Source { get; init; }

    public required TuningOutputKind Kind { get; init; }

    /// <summary>The spec provider that serves it (<c>local</c>, <c>mistral</c>, <c>openai</c>, <c>openai-compatible</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>The model file (relative to the project when inside it) or the vendor's model id.</summary>
    public required string Reference { get; init; }

    /// <summary>For an adapter: its base GGUF.</summary>
    public string? BaseReference { get; init; }

    public Uri? BaseUrl { get; init; }

    public string? ApiKeyEnv { get; init; }

    /// <summary>The job that produced it.</summary>
    public string? JobId { get; init; }

    public string? Sha256 { get; init; }

    public long? Bytes { get; init; }

    public string? Description { get; init; }

    public required ModelLineage Lineage { get; init; }
}
