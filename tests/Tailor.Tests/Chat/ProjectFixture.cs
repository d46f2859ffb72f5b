using Tailor.Spec;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Chat;

/// <summary>A real project on disk: tailor.yaml, a prompt file, and an embedded store, aimed at a fake OpenAI server.</summary>
internal sealed class ProjectFixture : IAsyncDisposable
{
    public const string PromptTemplate = "You are the support assistant of {{company}}. Answer briefly.";
    public const string RenderedPrompt = "You are the support assistant of Acme. Answer briefly.";

    private ProjectFixture(string directory, TailorSpec spec, SqliteInteractionStore store)
    {
        Directory = directory;
        Spec = spec;
        Store = store;
    }

    public string Directory { get; }
    public TailorSpec Spec { get; }
    public SqliteInteractionStore Store { get; }

    public static async Task<ProjectFixture> CreateAsync(Uri baseUrl)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("tailor-chat-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "prompts"));
        await File.WriteAllTextAsync(Path.Combine(dir, "prompts", "support.md"), PromptTemplate);
        await File.WriteAllTextAsync(Path.Combine(dir, "tailor.yaml"), $"""
            name: chat-tests
            objectives:
              - id: answer
                description: Answer questions.
            prompts:
              support:
                file: prompts/support.md
                variables:
                  company: Acme
            models:
              baseline:
                provider: openai-compatible
                base_url: {baseUrl}
                model: fake-model
                options:
                  max_retries: 0
            defaults:
              model: baseline
              prompt: support
            """);
        var loaded = SpecLoader.Load(Path.Combine(dir, "tailor.yaml"));
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var store = SqliteInteractionStore.Open(Path.Combine(dir, ".tailor", "tailor.db"));
        return new ProjectFixture(dir, loaded.Spec, store);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
