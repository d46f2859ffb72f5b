using Microsoft.Extensions.AI;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Testing;

namespace Tailor.Tests.Providers;

public sealed class ProviderRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_default_registry_knows_the_remote_providers()
    {
        Assert.Equal(["mistral", "openai", "openai-compatible"], ProviderRegistry.CreateDefault().Names);
    }

    [Fact]
    public void An_unknown_provider_gets_a_did_you_mean()
    {
        var registry = ProviderRegistry.CreateDefault();

        var error = Assert.Throws<ModelProviderException>(() => registry.CreateClient(new ModelSpec { Alias = "baseline", Provider = "mistal", Model = "m" }));

        Assert.Equal("model 'baseline' uses unknown provider 'mistal'", error.Message);
        Assert.Equal("did you mean 'mistral'? known providers: mistral, openai, openai-compatible", error.Hint);
    }

    [Fact]
    public void A_provider_far_from_any_known_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ModelProviderException>(() => ProviderRegistry.CreateDefault().CreateClient(new ModelSpec { Alias = "x", Provider = "anthropic" }));

        Assert.Equal("known providers: mistral, openai, openai-compatible", error.Hint);
    }

    [Fact]
    public void Local_without_the_engine_says_the_engine_is_not_registered()
    {
        var error = Assert.Throws<ModelProviderException>(() => ProviderRegistry.CreateDefault().CreateClient(new ModelSpec { Alias = "candidate", Provider = "local", Path = "m.gguf" }));

        Assert.StartsWith("the local engine (Tailor.Local) is not registered", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_a_name_twice_is_refused_and_names_match_case_insensitively()
    {
        var registry = ProviderRegistry.CreateDefault();

        Assert.Throws<ArgumentException>(() => registry.Register(new MistralProvider()));
        Assert.True(registry.TryGet("Mistral", out var provider));
        Assert.IsType<MistralProvider>(provider);
    }

    [Theory]
    [InlineData("mistral", "MISTRAL_API_KEY", "https://console.mistral.ai/api-keys")]
    [InlineData("openai", "OPENAI_API_KEY", "https://platform.openai.com/api-keys")]
    public void A_missing_key_says_which_variable_and_how_to_set_it(string provider, string variable, string console)
    {
        var context = new ProviderContext { GetEnvironmentVariable = _ => null };

        var error = Assert.Throws<ModelProviderException>(() => ProviderRegistry.CreateDefault().CreateClient(new ModelSpec { Alias = "judge", Provider = provider, Model = "m" }, context));

        Assert.Equal($"{variable} is not set", error.Message);
        Assert.Contains($"export {variable}=<key>", error.Hint, StringComparison.Ordinal);
        Assert.Contains(console, error.Hint, StringComparison.Ordinal);
        Assert.Contains("api_key_env", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_variable_named_in_the_spec_is_the_one_required()
    {
        var context = new ProviderContext { GetEnvironmentVariable = name => name == "MISTRAL_API_KEY" ? "k" : null };
        var model = new ModelSpec { Alias = "judge", Provider = "mistral", Model = "m", ApiKeyEnv = "TEAM_MISTRAL_KEY" };

        var error = Assert.Throws<ModelProviderException>(() => ProviderRegistry.CreateDefault().CreateClient(model, context));

        Assert.Equal("TEAM_MISTRAL_KEY is not set", error.Message);
    }

    [Fact]
    public void Openai_compatible_needs_a_base_url_and_hosted_providers_need_a_model_id()
    {
        var registry = ProviderRegistry.CreateDefault();
        var context = new ProviderContext { GetEnvironmentVariable = _ => "k" };

        var noUrl = Assert.Throws<ModelProviderException>(() => registry.CreateClient(new ModelSpec { Alias = "local-vllm", Provider = "openai-compatible" }, context));
        var noModel = Assert.Throws<ModelProviderException>(() => registry.CreateClient(new ModelSpec { Alias = "judge", Provider = "mistral" }, context));

        Assert.Equal("model 'local-vllm' uses provider openai-compatible but has no base_url", noUrl.Message);
        Assert.Contains("base_url: http://localhost:8080/v1", noUrl.Hint, StringComparison.Ordinal);
        Assert.Equal("model 'judge' uses provider mistral but names no model id", noModel.Message);
        Assert.Contains("model: mistral-small-latest", noModel.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosted_providers_default_to_their_public_endpoints()
    {
        var context = new ProviderContext { GetEnvironmentVariable = _ => "k" };
        var registry = ProviderRegistry.CreateDefault();

        using var mistral = registry.CreateClient(new ModelSpec { Alias = "a", Provider = "mistral", Model = "mistral-small-latest" }, context);
        using var openai = registry.CreateClient(new ModelSpec { Alias = "b", Provider = "openai", Model = "gpt-4o-mini" }, context);

        Assert.Equal(new Uri("https://api.mistral.ai/v1/"), mistral.GetService<ChatClientMetadata>()!.ProviderUri);
        Assert.Equal("mistral-small-latest", mistral.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal(new Uri("https://api.openai.com/v1/"), openai.GetService<ChatClientMetadata>()!.ProviderUri);
    }

    [Fact]
    public async Task A_local_server_needs_no_key_and_gets_the_model_options()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        var model = new ModelSpec
        {
            Alias = "baseline",
            Provider = "openai-compatible",
            BaseUrl = server.BaseUrl,
            Options = new ModelOptions { Temperature = 0.1f, MaxTokens = 64 },
        };
        using var client = ProviderRegistry.CreateDefault().CreateClient(model, new ProviderContext { GetEnvironmentVariable = _ => null });

        var response = await client.GetResponseAsync("ping", cancellationToken: Ct);

        Assert.Equal("echo: ping", response.Text);
        var request = server.Requests.Single();
        Assert.Null(request.Authorization);
        Assert.False(request.Has("model"));
        Assert.Equal(0.1f, request.Member("temperature")!.Value.GetSingle());
        Assert.Equal(64, request.Member("max_tokens")!.Value.GetInt32());
    }

    [Fact]
    public async Task Model_options_timeout_and_max_retries_reach_the_client()
    {
        await using var server = await FakeOpenAIServer.StartAsync(Ct);
        server.Responder = _ => FakeReply.HangBeforeHeaders();
        var clock = TestClients.NewClock();
        var model = new ModelSpec
        {
            Alias = "slow",
            Provider = "openai-compatible",
            BaseUrl = server.BaseUrl,
            Options = new ModelOptions { Timeout = TimeSpan.FromSeconds(5), MaxRetries = 0 },
        };
        using var client = ProviderRegistry.CreateDefault().CreateClient(model, new ProviderContext { TimeProvider = clock });

        var answer = Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
        await server.WaitForRequestAsync(1, Ct);
        clock.Advance(TimeSpan.FromSeconds(5));
        var error = await answer;

        Assert.EndsWith("within 5s after 1 attempt", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }
}
