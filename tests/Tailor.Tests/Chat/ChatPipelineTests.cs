using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Chat;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Testing;

namespace Tailor.Tests.Chat;

/// <summary>The pipeline a spec alias builds (recording, system prompt, provider), driven over real HTTP against a fake OpenAI server.</summary>
public sealed class ChatPipelineTests
{
    private static IChatClient Pipeline(ProjectFixture project, string source = "test", SystemPromptMode mode = SystemPromptMode.Prepend) =>
        ChatPipeline.Create(project.Spec, "baseline", new ChatPipelineOptions
        {
            Sink = project.Store,
            Source = source,
            PromptMode = mode,
            ProviderContext = new ProviderContext { ProjectDirectory = project.Directory },
        });

    private static async Task<Interaction> SingleRecordAsync(ProjectFixture project)
    {
        var all = await project.Store.QueryAsync(new InteractionQuery()).ToListAsync();
        return Assert.Single(all);
    }

    private static string[] Roles(RecordedRequest request) =>
        [.. request.Messages.Select(m => m.GetProperty("role").GetString()!)];

    private static string TextAt(RecordedRequest request, int index) => request.Messages[index].GetProperty("content").GetString()!;

    [Fact]
    public async Task The_model_sees_the_spec_prompt_and_the_store_gets_the_exchange_as_the_caller_sent_it()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Where is my invoice?")]);

        var sent = Assert.Single(server.Requests);
        Assert.Equal(["system", "user"], Roles(sent));
        Assert.Equal(ProjectFixture.RenderedPrompt, TextAt(sent, 0));
        Assert.Equal("echo: Where is my invoice?", response.Text);

        var record = await SingleRecordAsync(project);
        var expectedPrompt = SystemPrompt.FromText("support", ProjectFixture.RenderedPrompt);
        Assert.Equal("Where is my invoice?", Assert.Single(record.Request).Text);
        Assert.Equal("echo: Where is my invoice?", Assert.Single(record.Response).Text);
        Assert.Equal("support", record.PromptId);
        Assert.Equal(expectedPrompt.Version, record.PromptVersion);
        Assert.Equal(ProjectFixture.RenderedPrompt, record.PromptText);
        Assert.Equal("test", record.Source);
        Assert.Equal("baseline", record.Route);
        Assert.Equal("openai-compatible", record.Provider);
        Assert.Equal("fake-model", record.ModelId);
        Assert.Equal("stop", record.FinishReason);
        Assert.Equal(response.Usage!.InputTokenCount, record.InputTokens);
        Assert.Equal(response.Usage.OutputTokenCount, record.OutputTokens);
        Assert.True(record.OutputTokens > 0);
        Assert.False(record.Streamed);
        Assert.Equal(InteractionStatus.Ok, record.Status);
        Assert.NotNull(record.LatencyMs);
        Assert.Null(record.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task A_streamed_exchange_is_recorded_whole_with_its_time_to_first_token()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text("Billing, then Invoices."));
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Invoice?")]).ToListAsync();

        Assert.True(updates.Count > 2);
        var record = await SingleRecordAsync(project);
        Assert.True(record.Streamed);
        Assert.Equal("Billing, then Invoices.", Assert.Single(record.Response).Text);
        Assert.Equal(string.Concat(updates.Select(u => u.Text)), record.Response[0].Text);
        Assert.NotNull(record.TimeToFirstTokenMs);
        Assert.True(record.TimeToFirstTokenMs <= record.LatencyMs);
        Assert.NotNull(record.OutputTokens);
        Assert.Equal("stop", record.FinishReason);
        Assert.Equal(ProjectFixture.RenderedPrompt, TextAt(Assert.Single(server.Requests), 0));
    }

    [Fact]
    public async Task A_per_request_prompt_replaces_the_spec_prompt_and_is_recorded_with_its_own_version()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);
        var custom = SystemPrompt.FromText("experiment", "Answer in French.");

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions().WithSystemPrompt(custom));

        Assert.Equal("Answer in French.", TextAt(Assert.Single(server.Requests), 0));
        var record = await SingleRecordAsync(project);
        Assert.Equal("experiment", record.PromptId);
        Assert.Equal(custom.Version, record.PromptVersion);
    }

    [Theory]
    [InlineData(SystemPromptMode.Prepend, new[] { "system", "system", "user" }, ProjectFixture.RenderedPrompt)]
    [InlineData(SystemPromptMode.Replace, new[] { "system", "user" }, ProjectFixture.RenderedPrompt)]
    [InlineData(SystemPromptMode.Default, new[] { "system", "user" }, "Caller's own instructions.")]
    public async Task The_mode_decides_how_the_spec_prompt_meets_the_callers_system_message(SystemPromptMode mode, string[] roles, string first)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project, mode: mode);

        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Caller's own instructions."), new ChatMessage(ChatRole.User, "Hi")]);

        var sent = Assert.Single(server.Requests);
        Assert.Equal(roles, Roles(sent));
        Assert.Equal(first, TextAt(sent, 0));
        // The record keeps what the caller sent, whatever the model saw.
        Assert.Equal([ChatRole.System, ChatRole.User], (await SingleRecordAsync(project)).Request.Select(m => m.Role));
    }

    [Fact]
    public async Task A_refused_request_is_recorded_as_an_error_and_the_error_still_reaches_the_caller()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Error(401, "Incorrect API key provided.", "invalid_request_error", code: "invalid_api_key"));
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal(401, error.StatusCode);
        var record = await SingleRecordAsync(project);
        Assert.Equal(InteractionStatus.Error, record.Status);
        Assert.Contains("ModelProviderException", record.Error, StringComparison.Ordinal);
        Assert.Empty(record.Response);
        Assert.Equal("Hi", Assert.Single(record.Request).Text);
    }

    [Fact]
    public async Task A_stream_the_caller_stops_reading_is_recorded_as_cancelled_with_what_arrived()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text("one two three four five six"));
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);

        string received = "";
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Count")]))
        {
            received += update.Text;
            if (received.Contains("two", StringComparison.Ordinal))
            {
                break;
            }
        }

        var record = await SingleRecordAsync(project);
        Assert.Equal(InteractionStatus.Cancelled, record.Status);
        Assert.Equal(received, Assert.Single(record.Response).Text);
        Assert.DoesNotContain("six", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_cut_by_the_server_is_recorded_as_an_error_with_the_partial_answer()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text("alpha beta gamma delta") with { CutAfterChunks = 3 });
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);

        string received = "";
        await Assert.ThrowsAsync<ModelProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Go")]))
            {
                received += update.Text;
            }
        });

        var record = await SingleRecordAsync(project);
        Assert.Equal(InteractionStatus.Error, record.Status);
        Assert.NotEmpty(received);
        Assert.Equal(received, Assert.Single(record.Response).Text);
    }

    [Fact]
    public async Task Context_set_by_the_caller_reaches_the_record()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        using var client = Pipeline(project);
        var context = new InteractionContext { SessionId = "session-7", KeyId = "key_abc", Source = "gateway" };
        context.Metadata["verdict"] = "clean";

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], context.AttachTo(null));

        var record = await SingleRecordAsync(project);
        Assert.Equal(context.Id, record.Id);
        Assert.Equal("session-7", record.SessionId);
        Assert.Equal("key_abc", record.KeyId);
        Assert.Equal("gateway", record.Source);
        Assert.Equal("clean", JsonDocument.Parse(record.MetadataJson!).RootElement.GetProperty("verdict").GetString());
        Assert.DoesNotContain("\n", record.MetadataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_request_is_retried_through_the_pipeline_and_recorded_once()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.Zero), FakeReply.Text("after the wait"));
        await using var project = await ProjectFixture.CreateAsync(server.BaseUrl);
        var spec = project.Spec with
        {
            Models = new Dictionary<string, ModelSpec>
            {
                ["baseline"] = project.Spec.Models["baseline"] with { Options = new ModelOptions { MaxRetries = 2 } },
            },
        };
        using var client = ChatPipeline.Create(spec, "baseline", new ChatPipelineOptions { Sink = project.Store });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("after the wait", response.Text);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("after the wait", Assert.Single(record(await project.Store.QueryAsync(new InteractionQuery()).ToListAsync()).Response).Text);

        static Interaction record(List<Interaction> all) => Assert.Single(all);
    }
}
