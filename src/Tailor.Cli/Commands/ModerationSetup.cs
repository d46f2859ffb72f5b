using System.CommandLine;
using Tailor.Moderation;
using Tailor.Moderation.Detectors;
using Tailor.Moderation.Local;
using Tailor.Moderation.Policies;
using Tailor.Providers;
using Tailor.Spec;

namespace Tailor.Cli.Commands;

/// <summary>
/// Which moderator a <c>tailor moderation</c> command runs: the project's (its policies and classifiers) when there is
/// a tailor.yaml, else the built-in detectors and the shipped local classifier with no policies. <c>--classifier</c>
/// keeps only the named classifiers; <c>--model</c> swaps the local classifier for a trained file.
/// </summary>
internal sealed class ModerationSetup
{
    private static readonly string[] Types = ["detectors", "local", "llm-guard", "mistral", "openai"];

    public Option<string[]> Classifier { get; } = new("--classifier", "-c")
    {
        Description = "Run only this classifier (detectors, local, llm-guard, mistral, openai); repeat for several (-c detectors -c local). Default: the project's, or detectors and local",
    };

    public Option<string?> Model { get; } = new("--model") { Description = "A trained local classifier (.tmod) to use instead of the shipped one" };

    public void AddTo(Command command)
    {
        command.Options.Add(Classifier);
        command.Options.Add(Model);
    }

    /// <summary>The moderator, and the spec when the command runs inside a project.</summary>
    public (Moderator Moderator, TailorSpec? Spec) Create(ParseResult parse, CliEnvironment env)
    {
        string? projectOption = parse.GetValue(TailorCli.ProjectOption);
        TailorSpec? spec = projectOption is not null || SpecLocator.Find(env.WorkingDirectory) is not null ? Project.Load(parse, env).Spec : null;
        string[] wanted = parse.GetValue(Classifier) ?? [];
        foreach (string type in wanted)
        {
            if (!Types.Contains(type))
            {
                throw new CliException($"unknown classifier '{type}'", $"use one of: {string.Join(", ", Types)}");
            }
        }
        string? modelPath = parse.GetValue(Model) is { } m ? Path.GetFullPath(Path.Combine(env.WorkingDirectory, m)) : null;
        if (modelPath is not null && !File.Exists(modelPath))
        {
            throw new CliException($"no classifier file at {modelPath}", "train one with 'tailor moderation train data.jsonl -o model.tmod'");
        }

        var specClassifiers = spec?.Moderation.Classifiers is { Count: > 0 } listed ? listed : ModeratorFactory.DefaultClassifiers;
        var chosen = wanted.Length == 0
            ? specClassifiers.ToList()
            : wanted.Distinct().Select(t => specClassifiers.FirstOrDefault(c => c.Type == t) ?? Standalone(t)).ToList();
        if (modelPath is not null)
        {
            chosen = [.. chosen.Select(c => c.Type == "local" ? c with { Path = modelPath } : c)];
            if (!chosen.Exists(c => c.Type == "local"))
            {
                chosen.Add(new ClassifierSpec { Type = "local", Path = modelPath });
            }
        }

        var context = new ProviderContext
        {
            ProjectDirectory = spec?.ProjectDirectory ?? env.WorkingDirectory,
            GetEnvironmentVariable = env.GetEnvironmentVariable,
            TimeProvider = env.TimeProvider,
        };
        var effective = spec ?? new TailorSpec { SourcePath = Path.Combine(env.WorkingDirectory, "tailor.yaml"), Name = "(no project)" };
        var classifiers = chosen.Select(c => new ConfiguredClassifier(Build(effective, c, env, context), c.Thresholds)).ToList();
        var moderation = effective.Moderation;
        var moderator = new Moderator(classifiers, ModerationPolicy.FromSpec(effective), new ModeratorOptions
        {
            Thresholds = moderation.Thresholds,
            Combine = moderation.Combine,
            BlockOnError = moderation.BlockOnError,
            TimeProvider = env.TimeProvider,
        });
        return (moderator, spec);
    }

    private static ClassifierSpec Standalone(string type) => type switch
    {
        "llm-guard" => throw new CliException("the llm-guard classifier needs a guard model", "add it to tailor.yaml under moderation.classifiers with model: <alias>"),
        _ => new ClassifierSpec { Type = type },
    };

    private static IModerationClassifier Build(TailorSpec spec, ClassifierSpec classifier, CliEnvironment env, ProviderContext context)
    {
        if (classifier.Type == "detectors")
        {
            return new DetectorClassifier();
        }
        if (classifier.Type == "local" && classifier.Path is null)
        {
            return LocalModerationClassifier.CreateDefault();
        }
        return ModeratorFactory.CreateClassifier(spec, classifier, env.Providers, context);
    }
}
