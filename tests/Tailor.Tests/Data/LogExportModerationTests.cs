using Microsoft.Extensions.AI;
using Tailor.Chat;
using Tailor.Data;
using Tailor.Data.Export;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Store.Sqlite;
using Tailor.Testing;

namespace Tailor.Tests.Data;

/// <summary>
/// The export's "not flagged by moderation" filter reads the verdicts the moderation layer really records: exchanges
/// go through a pipeline with a policy, into a SQLite store, and back out through the exporter.
/// </summary>
public sealed class LogExportModerationTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-export-moderation-").FullName;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_exchange_the_moderation_layer_acted_on_is_left_out_and_a_clean_one_is_kept()
    {
        await using var server = await FakeOpenAIServer.StartAsync(TestContext.Current.CancellationToken);
        File.WriteAllText(Path.Combine(_dir, "tailor.yaml"), $"""
            name: export-moderation
            policies:
              - id: protect-pii
                description: Keep personal data out of the model.
                categories: [privacy]
                input: redact
            models:
              baseline:
                provider: openai-compatible
                base_url: {server.BaseUrl}
                model: fake-model
            defaults:
              model: baseline
            """);
        var spec = SpecLoader.Load(Path.Combine(_dir, "tailor.yaml")).Spec!;
        await using var store = SqliteInteractionStore.Open(Path.Combine(_dir, "tailor.db"));
        using var client = ChatPipeline.Create(spec, "baseline", new ChatPipelineOptions
        {
            Sink = store,
            Source = "gateway",
            ProviderContext = new ProviderContext { ProjectDirectory = _dir },
        });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Mail me at jane.doe@example.com please")], cancellationToken: TestContext.Current.CancellationToken);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "How do refunds work?")], cancellationToken: TestContext.Current.CancellationToken);

        var result = new LogExportResult();
        var examples = new List<Conversation>();
        await foreach (var example in new LogExporter(store).ExportAsync(new LogExportFilter(), result, TestContext.Current.CancellationToken))
        {
            examples.Add(example);
        }

        var kept = Assert.Single(examples);
        Assert.Equal("How do refunds work?", kept.Messages.Single(m => m.Role == MessageRole.User).Content);
        Assert.Equal(1, result.Skipped["flagged"]);
    }
}
