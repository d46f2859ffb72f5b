using System.Text.Json;
using Tailor.Store;
using Tailor.Store.Sqlite;
using Tailor.Testing;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor ask</c> and <c>tailor chat</c> against a fake OpenAI-compatible server over loopback HTTP.</summary>
public sealed class AskAndChatCommandTests : IAsyncLifetime
{
    private readonly CliRunner _cli = new();
    private FakeOpenAIServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync(TestContext.Current.CancellationToken);
        Directory.CreateDirectory(_cli.PathOf("prompts"));
        File.WriteAllText(_cli.PathOf("prompts", "assistant.md"), "You help {{who}}.");
        File.WriteAllText(_cli.PathOf("tailor.yaml"), $"""
            name: cli-tests
            prompts:
              assistant:
                file: prompts/assistant.md
                variables:
                  who: testers
            models:
              local-server:
                provider: openai-compatible
                base_url: {_server.BaseUrl}
                model: fake-model
              other:
                provider: openai-compatible
                base_url: {_server.BaseUrl}
                model: other-model
              hosted:
                provider: mistral
                model: mistral-small-latest
            defaults:
              model: local-server
              prompt: assistant
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _cli.Dispose();
    }

    private async Task<List<Interaction>> RecordedAsync()
    {
        await using var store = SqliteInteractionStore.Open(_cli.PathOf(".tailor", "tailor.db"));
        var all = await store.QueryAsync(new InteractionQuery()).ToListAsync();
        all.Reverse(); // oldest first
        return all;
    }

    [Fact]
    public async Task Ask_streams_the_answer_to_stdout_and_records_it()
    {
        var result = await _cli.RunAsync("ask", "What is Tailor?");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("echo: What is Tailor?\n", result.Out);
        var sent = Assert.Single(_server.Requests);
        Assert.True(sent.Stream);
        Assert.Equal("You help testers.", sent.Messages[0].GetProperty("content").GetString());
        var record = Assert.Single(await RecordedAsync());
        Assert.Equal("ask", record.Source);
        Assert.Equal("local-server", record.Route);
        Assert.Equal("echo: What is Tailor?", record.Response[0].Text);
        Assert.Contains(record.Id, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_json_prints_the_answer_with_its_record()
    {
        var result = await _cli.RunAsync("ask", "Hello there", "--json", "-m", "other", "--temperature", "0.5", "--max-tokens", "64");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("echo: Hello there", root.GetProperty("text").GetString());
        Assert.Equal("other", root.GetProperty("model_alias").GetString());
        Assert.Equal("stop", root.GetProperty("finish_reason").GetString());
        Assert.True(root.GetProperty("usage").GetProperty("output_tokens").GetInt64() > 0);
        Assert.Equal("assistant", root.GetProperty("prompt_id").GetString());
        var record = Assert.Single(await RecordedAsync());
        Assert.Equal(record.Id, root.GetProperty("id").GetString());
        Assert.Equal(record.PromptVersion, root.GetProperty("prompt_version").GetString());
        var sent = Assert.Single(_server.Requests);
        Assert.Equal("other-model", sent.Model);
        Assert.Equal(0.5, sent.Member("temperature")!.Value.GetDouble(), 3);
        Assert.Equal(64, sent.Member("max_tokens")!.Value.GetInt32());
    }

    [Fact]
    public async Task Ask_reads_the_question_from_stdin_and_takes_a_system_prompt()
    {
        var result = await _cli.RunWithInputAsync("Piped question\n", null, "ask", "-", "--system", "Be terse.");

        Assert.Equal(0, result.ExitCode);
        var sent = Assert.Single(_server.Requests);
        Assert.Equal("Be terse.", sent.Messages[0].GetProperty("content").GetString());
        Assert.Equal("Piped question", sent.LastUserText);
    }

    [Fact]
    public async Task A_missing_key_is_bad_input_with_a_hint_naming_the_variable()
    {
        var result = await _cli.RunAsync("ask", "-m", "hosted", "Hi");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("MISTRAL_API_KEY", result.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task An_unknown_alias_lists_the_known_ones()
    {
        var result = await _cli.RunAsync("ask", "-m", "nope", "Hi");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no model alias 'nope'", result.Error, StringComparison.Ordinal);
        Assert.Contains("local-server, other, hosted", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_cannot_be_opened_is_an_error_naming_the_file_not_a_crash()
    {
        File.WriteAllText(_cli.PathOf(".tailor"), "a file where the store's directory should be");

        var result = await _cli.RunAsync("ask", "Hi");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot open the SQLite store", result.Error, StringComparison.Ordinal);
        Assert.Contains("tailor.db", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_failure_is_reported_without_a_stack_trace()
    {
        _server.Enqueue(FakeReply.Error(400, "messages: too long", "invalid_request_error", "messages"));

        var result = await _cli.RunAsync("ask", "Hi");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("messages: too long", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal(InteractionStatus.Error, Assert.Single(await RecordedAsync()).Status);
    }

    [Fact]
    public async Task Chat_keeps_history_obeys_slash_commands_and_records_each_turn_in_its_session()
    {
        string script = string.Join('\n',
            "Hello",
            "/system Answer like a pirate.",
            "Again",
            "/model other",
            "Third",
            "/reset",
            "Fresh start",
            "/exit",
            "never sent");

        var result = await _cli.RunWithInputAsync(script, null, "chat");

        Assert.Equal(0, result.ExitCode);
        var requests = _server.Requests;
        Assert.Equal(4, requests.Count);
        // Turn 2 carries the whole conversation and the session's own system prompt.
        var second = requests[1];
        Assert.Equal("Answer like a pirate.", second.Messages[0].GetProperty("content").GetString());
        Assert.Equal(["system", "user", "assistant", "user"], second.Messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("echo: Hello", second.Messages[2].GetProperty("content").GetString());
        // /model switches the model but keeps the conversation.
        Assert.Equal("other-model", requests[2].Model);
        Assert.Equal(6, requests[2].Messages.Count);
        // /reset forgets it.
        Assert.Equal(["system", "user"], requests[3].Messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Fresh start", requests[3].LastUserText);
        Assert.Contains("echo: Fresh start", result.Out, StringComparison.Ordinal);

        var records = await RecordedAsync();
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal("chat", r.Source));
        Assert.Equal(records[0].SessionId, records[2].SessionId);
        Assert.NotEqual(records[0].SessionId, records[3].SessionId);
        Assert.Equal(["local-server", "local-server", "other", "other"], records.Select(r => r.Route));
    }

    [Fact]
    public async Task Chat_survives_a_failed_turn_and_leaves_the_conversation_well_formed()
    {
        _server.Enqueue(FakeReply.Error(400, "bad request", "invalid_request_error"));

        var result = await _cli.RunWithInputAsync("First\nSecond\n", null, "chat");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("bad request", result.Error, StringComparison.Ordinal);
        var retry = _server.Requests[1];
        // The failed turn was dropped: the history is system + the new user message only.
        Assert.Equal(["system", "user"], retry.Messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Second", retry.LastUserText);
    }
}
