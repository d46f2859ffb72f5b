namespace Tailor.Tuning;

/// <summary>
/// The recipe of a tuning job: what to train from, on which data, how, and where. Stored with the job and with the
/// model it produces, so the run can be repeated or audited later, even when the model itself cannot be downloaded.
/// Immutable; JSON-serialisable.
/// </summary>
public sealed record TuningRequest
{
    /// <summary>The backend that runs it: <c>local</c>, <c>mistral</c> or <c>openai</c>.</summary>
    public required string Backend { get; init; }

    /// <summary>The base model as the user named it: a model alias of tailor.yaml, a vendor model id, or a GGUF path.</summary>
    public required string BaseModel { get; init; }

    /// <summary>What the backend trains from: a GGUF path (relative to the project when inside it) or the vendor's model id.</summary>
    public required string BaseReference { get; init; }

    public IReadOnlyList<TuningDataFile> TrainingFiles { get; init; } = [];

    public IReadOnlyList<TuningDataFile> ValidationFiles { get; init; } = [];

    public TuningHyperparameters Hyperparameters { get; init; } = new();

    /// <summary>Added to the produced model's name (the vendor's <c>suffix</c>; locally part of the model id).</summary>
    public string? Suffix { get; init; }

    /// <summary>Start training as soon as the data is validated (Mistral's <c>auto_start</c>); false waits for <c>tailor tune resume</c>.</summary>
    public bool AutoStart { get; init; } = true;

    /// <summary>The API root of a hosted backend; null for the vendor's default.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>The environment variable holding the hosted backend's key (never the key itself).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>True when pre-flight errors were overridden with <c>--force</c>: the rejected lines were left out.</summary>
    public bool Forced { get; init; }

    /// <summary>The registry id the produced model gets (also its <c>general.name</c> for local models).</summary>
    public required string ModelId { get; init; }
}
