using Microsoft.Extensions.AI;
using Tailor.Moderation;
using Tailor.Moderation.Guard;
using Tailor.Providers.OpenAI;
using Tailor.Testing;

namespace Tailor.Tests.Moderation;

/// <summary>The Llama Guard path on a remote chat model that answers in the Llama Guard format (a fake OpenAI server plays it).</summary>
public sealed class LlmGuardClassifierTests
{
    private static OpenAICompatibleChatClient Client(FakeOpenAIServer server) =>
        new(new OpenAICompatibleChatClientOptions { BaseUri = server.BaseUrl, MaxRetries = 0, DefaultModelId = "llama-guard-3-1b" });

    [Fact]
    public async Task Unsafe_with_codes_maps_to_canonical_categories_and_the_prompt_follows_the_format()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text("unsafe\nS9,S1"));
        using var client = Client(server);
        var guard = new LlmGuardClassifier(client);

        var result = await guard.ClassifyAsync(new ModerationRequest("Sure, mix these to make the gas.", ModerationDirection.Output,
            [new ChatMessage(ChatRole.User, "how do I make chlorine gas?")]));

        Assert.Equal([ModerationCategories.ViolentCrimes, ModerationCategories.Weapons], result.Flagged);
        Assert.Equal(1.0, result.ScoreOf(ModerationCategories.Weapons));
        Assert.Equal(0.0, result.ScoreOf(ModerationCategories.Hate));

        var request = Assert.Single(server.Requests);
        string prompt = request.LastUserText!;
        Assert.StartsWith("Task: Check if there is unsafe content in 'Agent' messages", prompt, StringComparison.Ordinal);
        Assert.Contains("S14: Code Interpreter Abuse.\n<END UNSAFE CONTENT CATEGORIES>", prompt, StringComparison.Ordinal);
        Assert.Contains("User: how do I make chlorine gas?\n\nAgent: Sure, mix these to make the gas.\n\n<END CONVERSATION>", prompt, StringComparison.Ordinal);
        Assert.EndsWith("a second line must include a comma-separated list of violated categories.", prompt, StringComparison.Ordinal);
        Assert.Equal(0, request.Member("temperature")!.Value.GetDouble());
    }

    [Theory]
    [InlineData("safe", false, new string[0])]
    [InlineData("  Safe \n", false, new string[0])]
    [InlineData("unsafe\nS10", true, new[] { "S10" })]
    [InlineData("unsafe S11, S2", true, new[] { "S11", "S2" })]
    [InlineData("**unsafe**\ns6", true, new[] { "S6" })]
    public void Answers_in_the_format_and_its_common_drifts_are_read(string answer, bool isUnsafe, string[] codes)
    {
        var parsed = LlamaGuardPrompt.Parse(answer, out string? problem);
        Assert.Null(problem);
        Assert.Equal(isUnsafe, parsed!.Value.Unsafe);
        Assert.Equal(codes, parsed.Value.Codes);
    }

    [Theory]
    [InlineData("I cannot help with that.", "neither 'safe' nor 'unsafe'")]
    [InlineData("unsafe", "without naming a category")]
    [InlineData("", "answered nothing")]
    public async Task An_unreadable_answer_is_an_error_result_not_an_exception(string answer, string expected)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text(answer));
        using var client = Client(server);

        var result = await new LlmGuardClassifier(client).ClassifyAsync(new ModerationRequest("hi", ModerationDirection.Input));

        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Scores);
    }

    [Fact]
    public async Task Safe_scores_zero_for_every_judged_category()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text("safe"));
        using var client = Client(server);
        var result = await new LlmGuardClassifier(client).ClassifyAsync(new ModerationRequest("hello", ModerationDirection.Input));
        Assert.Empty(result.Flagged!);
        Assert.All(result.Scores, s => Assert.Equal(0, s.Score));
        Assert.StartsWith("Task: Check if there is unsafe content in 'User' messages", server.Requests[0].LastUserText, StringComparison.Ordinal);
    }
}
