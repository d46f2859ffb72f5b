using Microsoft.Extensions.AI;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

/// <summary>What the user reads when a provider refuses: what happened, where, and how to fix it; never the key.</summary>
public sealed class ProviderErrorMessageTests
{
    private const string WrongKey = "sk-proj-WRONGwrongWRONG1234567890abcdefXYZ9";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refused_key_names_the_variable_and_never_the_key()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.RequiredApiKey = "sk-the-right-one";
        var model = new ModelSpec { Alias = "baseline", Provider = "openai", Model = "gpt-4o-mini", BaseUrl = server.BaseUrl };
        using var client = new OpenAIProvider().CreateClient(model, new ProviderContext { GetEnvironmentVariable = Env("OPENAI_API_KEY", WrongKey) });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal($"Bearer {WrongKey}", server.Requests.Single().Authorization);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("openai", error.Provider);
        Assert.StartsWith("the openai API key in $OPENAI_API_KEY was refused (HTTP 401: Incorrect API key provided:", error.Message, StringComparison.Ordinal);
        Assert.Contains("export OPENAI_API_KEY=", error.Hint, StringComparison.Ordinal);
        foreach (var text in new[] { error.Message, error.Hint!, error.ToString() })
        {
            Assert.DoesNotContain(WrongKey, text, StringComparison.Ordinal);
            // OpenAI echoes a masked key; its visible ends stay out too.
            Assert.DoesNotContain("XYZ9", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-p", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_key_for_a_server_that_wants_one_says_how_to_configure_it()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.RequiredApiKey = "secret";
        using var client = TestClients.For(server);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(401, error.StatusCode);
        Assert.StartsWith($"{server.BaseUrl} refused the request without an API key (HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.Contains("api_key_env", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_named_with_the_base_url()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.RejectUnknownModels = true;
        using var client = TestClients.For(server, o => o with { DefaultModelId = "gpt-nope" });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.StartsWith($"model 'gpt-nope' not found at {server.BaseUrl} (HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{server.BaseUrl}models", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_base_path_points_at_base_url()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var root = new Uri(server.BaseUrl, "/");
        using var client = TestClients.For(server, o => o with { BaseUri = root });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal($"nothing answers at {root}chat/completions (HTTP 404)", error.Message);
        Assert.Contains("/v1", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_request_carries_the_provider_message_and_the_parameter()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Error(400, "Invalid value for 'temperature': must be between 0 and 2.", "invalid_request_error", "temperature", "invalid_value"));
        using var client = TestClients.For(server);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", new ChatOptions { Temperature = 7 }, Ct));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("openai-compatible rejected the request (HTTP 400: Invalid value for 'temperature': must be between 0 and 2.) [param: temperature]", error.Message);
        Assert.Contains("'temperature'", error.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(413, "refused the request as too large (HTTP 413")]
    [InlineData(422, "could not process the request (HTTP 422")]
    public async Task Size_and_validation_refusals_say_so(int status, string expected)
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Error(status, "nope"));
        using var client = TestClients.For(server);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(status, error.StatusCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public async Task A_non_JSON_error_page_is_described_not_dumped()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Raw(502, "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>", "text/html"));
        using var client = TestClients.For(server, o => o with { MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("openai-compatible failed with HTTP 502: an HTML page titled '502 Bad Gateway' after 1 attempt", error.Message);
    }

    [Fact]
    public async Task A_success_that_is_not_a_chat_completion_points_at_base_url()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Enqueue(FakeReply.Raw(200, "<html><title>My Web UI</title></html>", "text/html"));
        using var client = TestClients.For(server);

        var error = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Contains("is not a chat completion (text/html)", error.Message, StringComparison.Ordinal);
        Assert.Contains("base_url", error.Hint, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(string name, string value) => n => n == name ? value : null;
}
