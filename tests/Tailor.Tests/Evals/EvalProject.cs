using Microsoft.Extensions.AI;
using Tailor.Chat;
using Tailor.Evals.Running;
using Tailor.Evals.Suites;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Evals;

/// <summary>A real project on disk for eval tests: tailor.yaml aimed at a fake OpenAI server, suite files, the SQLite stores.</summary>
internal sealed class EvalProject : IAsyncDisposable
{
    private EvalProject(string directory, TailorSpec spec)
    {
        Directory = directory;
        Spec = spec;
        Interactions = SqliteInteractionStore.Open(Path.Combine(directory, ".tailor", "tailor.db"));
        Evals = SqliteEvalStore.Open(Path.Combine(directory, ".tailor", "tailor.db"));
    }

    public string Directory { get; }
    public TailorSpec Spec { get; }
    public SqliteInteractionStore Interactions { get; }
    public SqliteEvalStore Evals { get; }

    /// <param name="baseUrl">The fake server.</param>
    /// <param name="maxRetries">Retries of the model's client.</param>
    public static EvalProject Create(Uri baseUrl, int maxRetries = 0)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("tailor-evals-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "prompts"));
        File.WriteAllText(Path.Combine(dir, "prompts", "support.md"), "You are a support assistant.");
        File.WriteAllText(Path.Combine(dir, "tailor.yaml"), $"""
            name: eval-tests
            objectives:
              - id: answer
                description: Answer questions.
            policies:
              - id: no-secrets
                description: Never reveal secrets.
                categories: [secrets]
                output: block
                refusal: I can't share credentials.
            prompts:
              support:
                file: prompts/support.md
            models:
              baseline:
                provider: openai-compatible
                base_url: {baseUrl}
                model: base-model
                options:
                  max_retries: {maxRetries}
              candidate:
                provider: openai-compatible
                base_url: {baseUrl}
                model: cand-model
                options:
                  max_retries: {maxRetries}
              judge:
                provider: openai-compatible
                base_url: {baseUrl}
                model: judge-model
                options:
                  max_retries: 0
            defaults:
              model: baseline
              prompt: support
            """);
        var loaded = SpecLoader.Load(Path.Combine(dir, "tailor.yaml"));
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        return new EvalProject(dir, loaded.Spec!);
    }

    public string Write(string relative, string text)
    {
        string path = Path.Combine(Directory, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public EvalSuite LoadSuite(string relative)
    {
        var result = SuiteLoader.Load(relative, Directory, Spec);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Suite!;
    }

    /// <summary>The alias's pipeline (recording with source eval), optionally behind the response cache.</summary>
    public EvalTarget Target(string alias = "baseline", DiskResponseCache? cache = null, TimeProvider? time = null, IInteractionSink? sink = null)
    {
        var model = Spec.Models[alias];
        IChatClient client = ChatPipeline.Create(Spec, model, new ChatPipelineOptions
        {
            Sink = sink ?? Interactions,
            Source = "eval",
            ProviderContext = new ProviderContext { ProjectDirectory = Directory, TimeProvider = time ?? TimeProvider.System },
            TimeProvider = time ?? TimeProvider.System,
        });
        string? version = Spec.PromptFor(model)?.Version;
        if (cache is not null)
        {
            client = client.AsBuilder().UseResponseCache(cache, $"{model.Provider}|{model.BaseUrl}|{model.Model}|{version}").Build();
        }

        return new EvalTarget(alias, client) { ModelId = model.Model, PromptVersion = version };
    }

    public IChatClient Judge() => ChatPipeline.Create(Spec, Spec.Models["judge"], new ChatPipelineOptions
    {
        ProviderContext = new ProviderContext { ProjectDirectory = Directory },
    });

    public async ValueTask DisposeAsync()
    {
        await Evals.DisposeAsync();
        await Interactions.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
