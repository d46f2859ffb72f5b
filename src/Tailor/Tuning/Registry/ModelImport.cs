namespace Tailor.Tuning.Registry;

/// <summary>
/// A model to bring into the registry from outside <c>tailor tune</c>: a GGUF or LoRA adapter an external trainer
/// produced (from an export of <c>tailor tune export</c>), or a hosted model id. Immutable.
/// </summary>
public sealed record ModelImport
{
    public required TuningOutputKind Kind { get; init; }

    /// <summary>The registry id to use; null makes one from <see cref="Name"/> (or the reference).</summary>
    public string? Id { get; init; }

    /// <summary><c>local</c> for files; the vendor provider for hosted ids.</summary>
    public required string Provider { get; init; }

    /// <summary>The file (relative to the project when inside it) or the hosted model id.</summary>
    public required string Reference { get; init; }

    /// <summary>For an adapter: its base GGUF.</summary>
    public string? BaseReference { get; init; }

    /// <summary>Names the model id (default: the file or model name).</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Sha256 { get; init; }

    public long? Bytes { get; init; }

    public Uri? BaseUrl { get; init; }

    public string? ApiKeyEnv { get; init; }

    /// <summary>What is known of how it was made; an export's lineage file fills most of it.</summary>
    public ModelLineage Lineage { get; init; } = new();
}
