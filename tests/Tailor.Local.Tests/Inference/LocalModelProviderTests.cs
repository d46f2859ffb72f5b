using Microsoft.Extensions.AI;
using Tailor.Local.Inference;
using Tailor.Providers;
using Tailor.Spec;

namespace Tailor.Local.Tests.Inference;

public sealed class LocalModelProviderTests : IDisposable
{
    private readonly TempDirectory _project = new();
    private readonly LocalModelProvider _provider = new(new LocalChatClientOptions { ContextSize = 256 });

    public LocalModelProviderTests()
    {
        Directory.CreateDirectory(_project.File("models"));
        File.Copy(TestModels.ScriptedModelPath, _project.File("models/scripted.gguf"));
    }

    public void Dispose()
    {
        _provider.Dispose();
        _project.Dispose();
    }

    private ProviderContext Context => new() { ProjectDirectory = _project.Path };

    [Fact]
    public async Task Serves_a_model_path_relative_to_the_project_with_its_options()
    {
        var spec = new ModelSpec
        {
            Alias = "candidate",
            Provider = "local",
            Path = "models/scripted.gguf",
            Options = new ModelOptions { Temperature = 0f, Stop = ["shirt"] },
        };

        using var client = _provider.CreateClient(spec, Context);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("local", _provider.Name);
        Assert.Equal("The tailor sews a ", response.Text);
        Assert.Equal("scripted-tiny", response.ModelId);
    }

    [Fact]
    public async Task Takes_threads_and_context_size_from_the_spec_over_the_provider_defaults()
    {
        var spec = new ModelSpec
        {
            Alias = "small",
            Provider = "local",
            Path = "models/scripted.gguf",
            Options = new ModelOptions { Temperature = 0f, Threads = 1, ContextSize = 32 },
        };

        using var client = _provider.CreateClient(spec, Context);
        using var plain = _provider.CreateClient(spec with { Options = new ModelOptions() }, Context);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: TestContext.Current.CancellationToken);

        var options = client.GetService<LocalChatClientOptions>()!;
        Assert.Equal(1, options.Threads);
        Assert.Equal(32, options.ContextSize);
        Assert.Equal(256, plain.GetService<LocalChatClientOptions>()!.ContextSize);
        Assert.Null(plain.GetService<LocalChatClientOptions>()!.Threads);
        Assert.True(response.Usage!.InputTokenCount + response.Usage.OutputTokenCount <= 32);
    }

    [Fact]
    public void Caches_the_weights_per_file_and_names_the_model_from_the_spec()
    {
        var a = new ModelSpec { Alias = "a", Provider = "local", Path = "models/scripted.gguf" };
        var b = new ModelSpec { Alias = "b", Provider = "local", Path = "./models/../models/scripted.gguf", Model = "my-model" };

        using var first = _provider.CreateClient(a, Context);
        using var second = _provider.CreateClient(b, Context);

        Assert.Same(first.GetService<LocalModel>(), second.GetService<LocalModel>());
        Assert.Equal("my-model", second.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Explains_a_missing_path_file_or_adapter()
    {
        var noPath = Assert.Throws<ModelProviderException>(() => _provider.CreateClient(new ModelSpec { Alias = "x", Provider = "local" }, Context));
        var noFile = Assert.Throws<ModelProviderException>(() => _provider.CreateClient(new ModelSpec { Alias = "x", Provider = "local", Path = "nope.gguf" }, Context));
        var noAdapter = Assert.Throws<ModelProviderException>(() => _provider.CreateClient(
            new ModelSpec { Alias = "x", Provider = "local", Path = "models/scripted.gguf", Adapters = ["lora.gguf"] }, Context));

        Assert.Contains("path", noPath.Hint, StringComparison.Ordinal);
        Assert.Contains(_project.File("nope.gguf"), noFile.Message, StringComparison.Ordinal);
        Assert.Contains("lora.gguf", noAdapter.Message, StringComparison.Ordinal);
        Assert.Equal("local", noFile.Provider);
    }

    [Fact]
    public void Explains_a_file_that_is_not_a_model()
    {
        File.WriteAllText(_project.File("models/broken.gguf"), "not a model");

        var error = Assert.Throws<ModelProviderException>(() => _provider.CreateClient(new ModelSpec { Alias = "x", Provider = "local", Path = "models/broken.gguf" }, Context));

        Assert.Contains("broken.gguf", error.Message, StringComparison.Ordinal);
    }
}
