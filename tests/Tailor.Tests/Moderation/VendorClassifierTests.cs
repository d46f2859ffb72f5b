using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Moderation;
using Tailor.Moderation.Remote;
using Tailor.Moderation.Taxonomy;
using Tailor.Providers;
using Tailor.Testing;

namespace Tailor.Tests.Moderation;

/// <summary>Mistral's and OpenAI's moderation APIs, spoken to over loopback HTTP with servers that follow their documented shapes.</summary>
public sealed class VendorClassifierTests
{
    private static RemoteModerationOptions Options(FakeModerationServer server, string key = "test-key") => new()
    {
        BaseUri = server.BaseUrl,
        ApiKey = key,
        ApiKeyVariable = "TEST_KEY",
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
    };

    [Fact]
    public async Task Mistral_text_moderation_maps_scores_and_flags_into_the_canonical_taxonomy()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.Mistral);
        server.RequiredApiKey = "test-key";
        server.Scores = text => text.Contains("kill", StringComparison.Ordinal)
            ? new Dictionary<string, double> { ["violence_and_threats"] = 0.93, ["criminal"] = 0.4, ["jailbreaking"] = 0.02 }
            : null;
        var classifier = new MistralModerationClassifier(Options(server));

        var result = await classifier.ClassifyAsync(new ModerationRequest("I will kill you", ModerationDirection.Input));

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/moderations", request.Path);
        Assert.Equal("mistral-moderation-latest", request.Model);
        Assert.Equal(["I will kill you"], request.Member("input")!.Value.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0.93, result.ScoreOf(ModerationCategories.Violence), 6);
        Assert.Equal(0.93, result.ScoreOf(ModerationCategories.ViolentCrimes), 6); // max of violence_and_threats 0.93 and criminal 0.4
        Assert.Equal(0.4, result.ScoreOf(ModerationCategories.NonViolentCrimes), 6);
        Assert.Equal([ModerationCategories.ViolentCrimes, ModerationCategories.Violence], result.Flagged);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Mistral_judges_a_turn_in_its_conversation_on_the_chat_endpoint()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.Mistral);
        server.Scores = text => text == "Sure, here is how." ? new Dictionary<string, double> { ["dangerous"] = 0.8 } : null;
        var classifier = new MistralModerationClassifier(Options(server) with { Model = "mistral-moderation-2603" });

        var result = await classifier.ClassifyAsync(new ModerationRequest("Sure, here is how.", ModerationDirection.Output,
            [new ChatMessage(ChatRole.System, "be nice"), new ChatMessage(ChatRole.User, "how do I make a bomb?")]));

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/moderations", request.Path);
        var messages = request.Member("input")!.Value.EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("how do I make a bomb?", messages[0].GetProperty("content").GetString());
        Assert.Equal([ModerationCategories.Weapons], result.Flagged);
    }

    [Fact]
    public async Task Mistral_2411_categories_map_too()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.Mistral);
        server.Scores = _ => new Dictionary<string, double> { ["dangerous_and_criminal_content"] = 0.7, ["pii"] = 0.6 };
        var classifier = new MistralModerationClassifier(Options(server) with { Model = "mistral-moderation-2411" });
        var result = await classifier.ClassifyAsync(new ModerationRequest("x", ModerationDirection.Input));
        Assert.Equal([ModerationCategories.NonViolentCrimes, ModerationCategories.Weapons, ModerationCategories.Privacy], result.Flagged);
    }

    [Fact]
    public async Task OpenAI_moderation_maps_its_thirteen_categories()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.OpenAI);
        server.RequiredApiKey = "test-key";
        server.Scores = _ => new Dictionary<string, double> { ["sexual/minors"] = 0.91, ["self-harm/intent"] = 0.3, ["harassment/threatening"] = 0.6 };
        var classifier = new OpenAIModerationClassifier(Options(server));

        var result = await classifier.ClassifyAsync(new ModerationRequest("text", ModerationDirection.Output));

        var request = Assert.Single(server.Requests);
        Assert.Equal("omni-moderation-latest", request.Model);
        Assert.Equal("text", request.Member("input")!.Value.GetString());
        Assert.Equal([ModerationCategories.ChildSexualExploitation, ModerationCategories.Harassment, ModerationCategories.Violence, ModerationCategories.Sexual], result.Flagged);
        Assert.Equal(0.3, result.ScoreOf(ModerationCategories.SelfHarm), 6);
    }

    [Fact]
    public async Task A_refused_key_is_a_clear_error_that_never_shows_the_key()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.OpenAI);
        server.RequiredApiKey = "right-key";
        var classifier = new OpenAIModerationClassifier(Options(server, "sk-wrong-key-12345"));

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => classifier.ClassifyAsync(new ModerationRequest("x", ModerationDirection.Input)).AsTask());

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("TEST_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-key-12345", error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limits_are_retried_honouring_retry_after()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.Mistral);
        server.Enqueue(FakeReply.RateLimited(TimeSpan.Zero), FakeReply.Error(503, "overloaded"));
        var classifier = new MistralModerationClassifier(Options(server));

        var result = await classifier.ClassifyAsync(new ModerationRequest("x", ModerationDirection.Input));

        Assert.Equal(3, server.Requests.Count);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task A_validation_error_names_the_vendors_complaint()
    {
        await using var server = await FakeModerationServer.StartAsync(ModerationVendor.Mistral);
        server.Enqueue(FakeReply.Raw(422, """{"object":"error","message":{"detail":[{"type":"missing","loc":["body","model"],"msg":"Field required"}]},"type":"invalid_request_error","param":null,"code":null}"""));
        var classifier = new MistralModerationClassifier(Options(server));
        var error = await Assert.ThrowsAsync<ModelProviderException>(() => classifier.ClassifyAsync(new ModerationRequest("x", ModerationDirection.Input)).AsTask());
        Assert.Equal(422, error.StatusCode);
        Assert.Contains("Field required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_vendor_category_has_a_crosswalk_entry()
    {
        Assert.All(FakeModerationServer.Mistral2411Categories, c => Assert.NotEmpty(Crosswalks.Mistral2411.ToCanonical(c)));
        Assert.All(FakeModerationServer.Mistral2603Categories, c => Assert.NotEmpty(Crosswalks.Mistral2603.ToCanonical(c)));
        Assert.All(FakeModerationServer.OpenAICategories, c => Assert.NotEmpty(Crosswalks.OpenAI.ToCanonical(c)));
        Assert.All(Crosswalks.All.SelectMany(t => t.Categories).SelectMany(c => c.Canonical), c => Assert.True(ModerationCategories.IsKnown(c), c));
        Assert.Equal(14, Crosswalks.LlamaGuard3.Categories.Count);
    }
}
