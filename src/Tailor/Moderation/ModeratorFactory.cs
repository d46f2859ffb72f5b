using Tailor.Moderation.Detectors;
using Tailor.Moderation.Guard;
using Tailor.Moderation.Local;
using Tailor.Moderation.Policies;
using Tailor.Moderation.Remote;
using Tailor.Providers;
using Tailor.Spec;

namespace Tailor.Moderation;

/// <summary>
/// Builds the <see cref="Moderator"/> a spec describes: its policies, and the classifiers of <c>moderation.classifiers</c>
/// (when none are listed: the built-in detectors and the local classifier shipped with Tailor).
/// </summary>
public static class ModeratorFactory
{
    /// <summary>
    /// The classifiers of a spec that lists none: the rule-based detectors (spans for redaction) and the shipped local
    /// classifier, whose thresholds are calibrated precision first so ordinary answers pass (docs/moderation.md measures
    /// its false positives on benign look-alikes and on out-of-distribution assistant traffic).
    /// </summary>
    public static IReadOnlyList<ClassifierSpec> DefaultClassifiers { get; } = [new ClassifierSpec { Type = "detectors" }, new ClassifierSpec { Type = "local" }];

    /// <summary>Whether the spec asks for moderation at all: it has policies or lists classifiers.</summary>
    public static bool IsConfigured(TailorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Policies.Count > 0 || spec.Moderation.Classifiers.Count > 0;
    }

    /// <summary>The moderator of <paramref name="spec"/>.</summary>
    /// <exception cref="ModelProviderException">A classifier cannot be made: a missing key, an unknown guard alias, an unreadable model file.</exception>
    public static Moderator Create(TailorSpec spec, ProviderRegistry providers, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(context);
        var moderation = spec.Moderation;
        IEnumerable<ClassifierSpec> classifiers = moderation.Classifiers.Count > 0 ? moderation.Classifiers : DefaultClassifiers;
        var configured = classifiers.Select(c => new ConfiguredClassifier(CreateClassifier(spec, c, providers, context), c.Thresholds)).ToList();
        return new Moderator(configured, ModerationPolicy.FromSpec(spec), new ModeratorOptions
        {
            Thresholds = moderation.Thresholds,
            Combine = moderation.Combine,
            BlockOnError = moderation.BlockOnError,
            TimeProvider = context.TimeProvider,
        });
    }

    /// <summary>One classifier of the spec.</summary>
    public static IModerationClassifier CreateClassifier(TailorSpec spec, ClassifierSpec classifier, ProviderRegistry providers, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(context);
        switch (classifier.Type)
        {
            case "detectors":
                return new DetectorClassifier();
            case "local":
                return new LocalModerationClassifier(LoadLocal(spec, classifier));
            case "llm-guard":
                if (classifier.Model is null || !spec.Models.TryGetValue(classifier.Model, out var guard))
                {
                    throw new ModelProviderException($"the llm-guard classifier names model '{classifier.Model}', which is not under models:",
                        "add the guard model under models: and name its alias, e.g. model: guard");
                }
                return new LlmGuardClassifier(providers.CreateClient(guard, context));
            case "mistral":
                return new MistralModerationClassifier(RemoteOptions(classifier, context, "MISTRAL_API_KEY", "https://console.mistral.ai/api-keys"));
            case "openai":
                return new OpenAIModerationClassifier(RemoteOptions(classifier, context, "OPENAI_API_KEY", "https://platform.openai.com/api-keys"));
            default:
                throw new ModelProviderException($"unknown classifier type '{classifier.Type}'", "use local, llm-guard, mistral, openai or detectors");
        }
    }

    private static LocalClassifierModel LoadLocal(TailorSpec spec, ClassifierSpec classifier)
    {
        if (classifier.Path is null)
        {
            return LocalClassifierModel.Default;
        }
        string path = spec.ResolvePath(classifier.Path);
        try
        {
            return LocalClassifierModel.Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ModelProviderException($"cannot load the local classifier {classifier.Path}: {ex.Message}",
                File.Exists(path) ? "train it again with 'tailor moderation train'" : "train one with 'tailor moderation train', or remove path: to use the model shipped with Tailor",
                innerException: ex);
        }
    }

    private static RemoteModerationOptions RemoteOptions(ClassifierSpec classifier, ProviderContext context, string defaultVariable, string console)
    {
        string variable = classifier.ApiKeyEnv ?? defaultVariable;
        string? key = context.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ModelProviderException($"{variable} is not set (needed by the {classifier.Type} moderation classifier)",
                $"set it in the environment, e.g. `export {variable}=<key>` (create a key at {console}); keys never go in tailor.yaml",
                provider: classifier.Type);
        }
        return new RemoteModerationOptions
        {
            BaseUri = classifier.BaseUrl,
            ApiKey = key.Trim(),
            ApiKeyVariable = variable,
            Model = classifier.Model,
            HttpHandler = context.HttpHandler,
            TimeProvider = context.TimeProvider,
        };
    }
}
