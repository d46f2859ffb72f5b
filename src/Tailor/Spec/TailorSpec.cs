namespace Tailor.Spec;

/// <summary>
/// The application spec, loaded from <c>tailor.yaml</c>: what the application must do (objectives),
/// the values it must hold (policies), how it is steered (prompts) and which models it runs on.
/// </summary>
/// <remarks>Immutable once loaded; safe to share across threads.</remarks>
public sealed record TailorSpec
{
    /// <summary>Absolute path of the file this spec was loaded from.</summary>
    public required string SourcePath { get; init; }

    /// <summary>The directory that holds <c>tailor.yaml</c>; relative paths in the spec resolve against it.</summary>
    public string ProjectDirectory => Path.GetDirectoryName(SourcePath) ?? ".";

    public required string Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Objective> Objectives { get; init; } = [];
    public IReadOnlyList<Policy> Policies { get; init; } = [];

    /// <summary>Prompts by id.</summary>
    public IReadOnlyDictionary<string, PromptSpec> Prompts { get; init; } = new Dictionary<string, PromptSpec>();

    /// <summary>Model aliases (<c>baseline</c>, <c>candidate</c>, <c>judge</c>, ...) by name.</summary>
    public IReadOnlyDictionary<string, ModelSpec> Models { get; init; } = new Dictionary<string, ModelSpec>();

    public DefaultsSpec Defaults { get; init; } = new();
    public ModerationSpec Moderation { get; init; } = new();
    public EvalsSpec Evals { get; init; } = new();
    public IReadOnlyList<GateSpec> Gates { get; init; } = [];

    /// <summary>Tuning datasets (JSONL files) that belong to the project; relative to <see cref="ProjectDirectory"/>.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    public StoreSpec Store { get; init; } = new();

    /// <summary>
    /// The gateway's routes by public name. Empty when the spec has no <c>routes:</c>; the gateway then serves each
    /// model alias under its own name (see <see cref="EffectiveRoutes"/>).
    /// </summary>
    public IReadOnlyDictionary<string, RouteSpec> Routes { get; init; } = new Dictionary<string, RouteSpec>();

    /// <summary>The routes the gateway serves: <see cref="Routes"/>, or one route per model alias when none are written.</summary>
    public IReadOnlyDictionary<string, RouteSpec> EffectiveRoutes => Routes.Count > 0
        ? Routes
        : Models.Keys.ToDictionary(alias => alias, alias => new RouteSpec { Name = alias, Model = alias }, StringComparer.Ordinal);

    /// <summary>Resolves a path written in the spec against the project directory.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(ProjectDirectory, path));
}

/// <summary>Something the application is for. Suites, cases, gates and dataset examples name it by <see cref="Id"/>.</summary>
public sealed record Objective(string Id, string Description);

/// <summary>What the application does when it meets a moderation category.</summary>
public enum PolicyAction
{
    /// <summary>Let it through unchanged.</summary>
    Allow,
    /// <summary>Let it through and record the verdict.</summary>
    Flag,
    /// <summary>Replace the offending spans before the model (or the user) sees them.</summary>
    Redact,
    /// <summary>Stop it: the user gets the policy's refusal.</summary>
    Block,
}

/// <summary>A value the application holds, enforced by the moderation layer and measured by evals.</summary>
public sealed record Policy
{
    public required string Id { get; init; }
    public required string Description { get; init; }

    /// <summary>Canonical moderation categories (see <see cref="Moderation.ModerationCategories"/>) this policy covers.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    public PolicyAction Input { get; init; } = PolicyAction.Flag;
    public PolicyAction Output { get; init; } = PolicyAction.Flag;

    /// <summary>What the user is told when this policy blocks; a generic refusal when null.</summary>
    public string? Refusal { get; init; }
}

/// <summary>A system prompt: a template file plus the values of its <c>{{variables}}</c>.</summary>
public sealed record PromptSpec
{
    public required string Id { get; init; }

    /// <summary>Path of the template, relative to the project directory.</summary>
    public required string File { get; init; }

    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
}

/// <summary>A named model: which provider serves it and how.</summary>
public sealed record ModelSpec
{
    /// <summary>The alias this model is known by in the spec (<c>baseline</c>, <c>candidate</c>, ...).</summary>
    public required string Alias { get; init; }

    /// <summary>Provider name: <c>openai</c>, <c>openai-compatible</c>, <c>mistral</c> or <c>local</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>Model id sent to the provider; for <c>local</c>, defaults to the file name.</summary>
    public string? Model { get; init; }

    /// <summary>Base URL of an OpenAI-compatible endpoint, e.g. <c>http://localhost:8080/v1</c>.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Name of the environment variable that holds the API key; keys never live in the spec.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>GGUF file of a <c>local</c> model, relative to the project directory.</summary>
    public string? Path { get; init; }

    /// <summary>LoRA adapter GGUF files applied to a <c>local</c> model.</summary>
    public IReadOnlyList<string> Adapters { get; init; } = [];

    /// <summary>Prompt id this model is steered with; <see cref="DefaultsSpec.Prompt"/> when null.</summary>
    public string? Prompt { get; init; }

    public ModelOptions Options { get; init; } = new();
}

/// <summary>Generation options applied to every request to a model unless the request sets them.</summary>
public sealed record ModelOptions
{
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public long? Seed { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Longest wait for the first byte of a response; a long generation is never cut once it streams.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Retries on 429/503/timeouts (honouring <c>Retry-After</c>).</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Local models: CPU threads a generation uses (default: every core).</summary>
    public int? Threads { get; init; }

    /// <summary>Local models: tokens of context per request, prompt and answer together (default: the length the model was trained with, at most 4096).</summary>
    public int? ContextSize { get; init; }
}

public sealed record DefaultsSpec
{
    /// <summary>The model alias used when none is named.</summary>
    public string? Model { get; init; }

    /// <summary>The prompt id used when a model names none.</summary>
    public string? Prompt { get; init; }
}

/// <summary>The moderation section: which directions are moderated, by which classifiers, with which thresholds.</summary>
public sealed record ModerationSpec
{
    public bool Input { get; init; } = true;
    public bool Output { get; init; } = true;
    public IReadOnlyList<ClassifierSpec> Classifiers { get; init; } = [];

    /// <summary>Score threshold per canonical category (0..1); categories not listed use the classifier's own.</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();

    /// <summary>How the classifiers' judgements combine into one per category.</summary>
    public ModerationCombineMode Combine { get; init; } = ModerationCombineMode.Any;

    /// <summary>Whether a classifier that fails (a vendor outage) blocks the message; by default it is let through and the error recorded.</summary>
    public bool BlockOnError { get; init; }

    /// <summary>How streamed answers are held back while they are checked.</summary>
    public ModerationStreamingSpec Streaming { get; init; } = new();

    /// <summary>
    /// Whether the interaction log keeps an input the policies redact as the model saw it (redacted) instead of as the
    /// user sent it; then the personal data a policy redacts never reaches the log, nor the tuning data exported from it.
    /// </summary>
    public bool LogRedactedInput { get; init; }

    /// <summary>Overrides per route (a model alias, or a gateway route), by route name.</summary>
    public IReadOnlyDictionary<string, ModerationRouteSpec> Routes { get; init; } = new Dictionary<string, ModerationRouteSpec>();
}

/// <summary>How several classifiers' judgements of one category combine.</summary>
public enum ModerationCombineMode
{
    /// <summary>The category is present when any classifier judges it present with its own threshold (or the spec's).</summary>
    Any,

    /// <summary>The category's score is the highest any classifier gave it, compared with the spec's threshold (0.5 by default).</summary>
    Max,
}

/// <summary>The look-ahead buffer of streamed output moderation.</summary>
public sealed record ModerationStreamingSpec
{
    /// <summary>Characters of the answer held back from the user until a check has seen what follows them.</summary>
    public int Lookahead { get; init; } = 160;

    /// <summary>Characters of new text between two checks of a streamed answer.</summary>
    public int CheckEvery { get; init; } = 80;

    /// <summary>Characters of already released text each check reads again before the held-back part.</summary>
    public int Context { get; init; } = 200;
}

/// <summary>Moderation settings that differ on one route; anything not set keeps the section's value.</summary>
public sealed record ModerationRouteSpec
{
    public bool? Input { get; init; }
    public bool? Output { get; init; }

    /// <summary>Thresholds that replace the section's for these categories on this route.</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();

    /// <summary>Actions that replace a policy's on this route, by policy id.</summary>
    public IReadOnlyDictionary<string, PolicyActionOverride> Policies { get; init; } = new Dictionary<string, PolicyActionOverride>();
}

/// <summary>A policy's actions as changed on one route; null keeps the policy's own.</summary>
public sealed record PolicyActionOverride
{
    public PolicyAction? Input { get; init; }
    public PolicyAction? Output { get; init; }
}

/// <summary>One classifier of the moderation layer.</summary>
public sealed record ClassifierSpec
{
    /// <summary><c>local</c>, <c>llm-guard</c>, <c>mistral</c>, <c>openai</c>, <c>detectors</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Model alias (for <c>llm-guard</c>) or vendor model id.</summary>
    public string? Model { get; init; }

    /// <summary>Trained model file (for <c>local</c>); null uses the model shipped with Tailor.</summary>
    public string? Path { get; init; }

    /// <summary>API root of a vendor classifier (<c>mistral</c>, <c>openai</c>); null uses the vendor's.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Environment variable holding a vendor classifier's key; null uses <c>MISTRAL_API_KEY</c> or <c>OPENAI_API_KEY</c>.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Thresholds for this classifier only, by category; they win over the section's.</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();
}

public sealed record EvalsSpec
{
    /// <summary>Suite files, relative to the project directory.</summary>
    public IReadOnlyList<string> Suites { get; init; } = [];
}

/// <summary>A launch criterion checked against eval results.</summary>
public sealed record GateSpec
{
    public required string Id { get; init; }
    public string? Description { get; init; }

    /// <summary>Suite id the gate reads.</summary>
    public string? Suite { get; init; }

    /// <summary>Metric name (a scorer's metric).</summary>
    public required string Metric { get; init; }

    /// <summary>Only cases carrying this tag count.</summary>
    public string? Slice { get; init; }

    /// <summary>Absolute floor of the metric's mean.</summary>
    public double? Min { get; init; }

    /// <summary>Absolute ceiling of the metric's mean.</summary>
    public double? Max { get; init; }

    /// <summary>Relative gate: the candidate is not worse than the baseline by more than <see cref="GateComparison.Margin"/>.</summary>
    public GateComparison? Compare { get; init; }

    /// <summary>Objective and policy ids this gate guards.</summary>
    public IReadOnlyList<string> Serves { get; init; } = [];
}

public sealed record GateComparison
{
    public required string Baseline { get; init; }
    public required string Candidate { get; init; }
    public double Margin { get; init; }
    public double Confidence { get; init; } = 0.95;
}

/// <summary>Where interactions, runs and jobs are stored.</summary>
public sealed record StoreSpec
{
    /// <summary><c>sqlite</c> (default, embedded) or <c>postgres</c>.</summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>SQLite file, relative to the project directory.</summary>
    public string Path { get; init; } = ".tailor/tailor.db";

    /// <summary>Environment variable holding a PostgreSQL connection string.</summary>
    public string? ConnectionStringEnv { get; init; }
}
