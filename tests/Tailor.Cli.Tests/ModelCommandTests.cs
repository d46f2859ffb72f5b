using System.Text.Json;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor model create|info</c> and a local model answering <c>tailor ask</c>, all offline on a generated model.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task CreateTinyModelAsync()
    {
        File.WriteAllText(_cli.PathOf("corpus.txt"), string.Join('\n', Enumerable.Range(0, 200).Select(i => $"Question {i}: what is the plan number {i}? The plan is {i % 7}.")));
        var created = await _cli.RunAsync("model", "create", "models/tiny.gguf", "--corpus", "corpus.txt",
            "--vocab", "400", "--embd", "32", "--layers", "1", "--heads", "2", "--context", "128");
        Assert.True(created.ExitCode == 0, created.ToString());
    }

    [Fact]
    public async Task A_created_model_describes_itself()
    {
        await CreateTinyModelAsync();

        var info = await _cli.RunAsync("model", "info", "models/tiny.gguf", "--json");

        Assert.Equal(0, info.ExitCode);
        using var json = JsonDocument.Parse(info.Out);
        var root = json.RootElement;
        Assert.Equal("llama", root.GetProperty("architecture").GetString());
        Assert.Equal("tiny", root.GetProperty("name").GetString());
        Assert.Equal(32, root.GetProperty("embedding_length").GetInt64());
        Assert.Equal(1, root.GetProperty("block_count").GetInt64());
        Assert.Equal(128, root.GetProperty("context_length").GetInt64());
        Assert.Contains("<|im_start|>", root.GetProperty("chat_template").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_model_answers_ask_offline_and_the_exchange_is_recorded()
    {
        await CreateTinyModelAsync();
        File.WriteAllText(_cli.PathOf("tailor.yaml"), """
            name: offline
            models:
              tiny:
                provider: local
                path: models/tiny.gguf
                options:
                  max_tokens: 12
                  seed: 5
            """);

        var answer = await _cli.RunAsync("ask", "--json", "What is the plan?");

        Assert.True(answer.ExitCode == 0, answer.ToString());
        using var json = JsonDocument.Parse(answer.Out);
        Assert.Equal(12, json.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt64());
        Assert.Equal("length", json.RootElement.GetProperty("finish_reason").GetString());
        await using var store = SqliteInteractionStore.Open(_cli.PathOf(".tailor", "tailor.db"));
        var record = Assert.Single(await store.QueryAsync(new InteractionQuery()).ToListAsync());
        Assert.Equal("local", record.Provider);
        Assert.Equal(json.RootElement.GetProperty("text").GetString(), record.Response[0].Text);
    }

    [Fact]
    public async Task Create_refuses_to_overwrite_and_info_refuses_a_file_that_is_not_gguf()
    {
        await CreateTinyModelAsync();
        File.WriteAllText(_cli.PathOf("notes.gguf"), "not a model");

        var again = await _cli.RunAsync("model", "create", "models/tiny.gguf", "--corpus", "corpus.txt");
        var info = await _cli.RunAsync("model", "info", "notes.gguf");
        var missing = await _cli.RunAsync("model", "info", "nope.gguf");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);
        Assert.Equal(2, info.ExitCode);
        Assert.Contains("not a GGUF", info.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
    }
}
