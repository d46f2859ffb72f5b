using Tailor.Spec;

namespace Tailor.Tests.Spec;

public class SystemPromptTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("You are a helpful assistant.", "75357d685f23")]
    [InlineData("Héllo {{x}} — ünïcode", "27e05be87b2e")]
    public void Version_is_the_first_12_hex_chars_of_the_utf8_sha256(string text, string version)
    {
        SystemPrompt prompt = SystemPrompt.FromText("p", text);

        Assert.Equal(new SystemPrompt("p", text, version), prompt);
    }

    [Fact]
    public void Version_changes_with_any_change_to_the_text()
    {
        Assert.NotEqual(SystemPrompt.FromText("p", "Be brief.").Version, SystemPrompt.FromText("p", "Be brief. ").Version);
        Assert.Equal(SystemPrompt.FromText("a", "Be brief.").Version, SystemPrompt.FromText("b", "Be brief.").Version);
    }

    [Fact]
    public void RenderPrompt_renders_the_file_and_versions_the_result_whatever_the_line_endings()
    {
        _project.Write("prompts/p.md", "You are the assistant of {{ company }}.\r\nBe brief.\r\n\r\n");
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            prompts:
              main:
                file: prompts/p.md
                variables: {company: Acme}
            models:
              a: {provider: openai, model: m, prompt: main}
              b: {provider: openai, model: m}
            """);
        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        TailorSpec spec = result.Spec;

        SystemPrompt prompt = spec.RenderPrompt("main");

        Assert.Equal(new SystemPrompt("main", "You are the assistant of Acme.\nBe brief.", "1cca0e98f603"), prompt);
        Assert.Equal(prompt, spec.PromptFor(spec.Models["a"]));
        Assert.Null(spec.PromptFor(spec.Models["b"]));
        Assert.Equal(prompt, (spec with { Defaults = new DefaultsSpec { Prompt = "main" } }).PromptFor(spec.Models["b"]));
    }

    [Fact]
    public void RenderPrompt_names_the_defined_prompts_for_an_unknown_id()
    {
        var spec = new TailorSpec
        {
            SourcePath = Path.Combine(_project.Directory, "tailor.yaml"),
            Name = "x",
            Prompts = new Dictionary<string, PromptSpec> { ["main"] = new() { Id = "main", File = "p.md" } },
        };

        var ex = Assert.Throws<ArgumentException>(() => spec.RenderPrompt("mian"));

        Assert.StartsWith("tailor.yaml has no prompt 'mian' (defined: main).", ex.Message, StringComparison.Ordinal);
        Assert.Equal("promptId", ex.ParamName);
    }
}
