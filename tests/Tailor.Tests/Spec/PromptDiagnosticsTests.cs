using Tailor.Spec;

namespace Tailor.Tests.Spec;

/// <summary>Prompt templates are checked against their variables when the spec loads.</summary>
public class PromptDiagnosticsTests : IDisposable
{
    private const string SpecYaml = """
        name: x
        prompts:
          support:
            file: prompts/support.md
            variables:
              company: Acme
              tone: friendly
        """;

    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void An_undefined_variable_is_reported_where_the_prompt_file_uses_it()
    {
        string prompt = _project.Write("prompts/support.md",
            "You work for {{ company }}.\nBe {{tone}}. Ship {{ product }} and\nonly {{product}}.\n");

        SpecLoadResult result = _project.LoadSpec(SpecYaml);

        SpecDiagnostic undefined = DiagnosticAssert.At(result, prompt, 2, 19, "prompts.support.variables.product",
            "variable 'product' is used here (and once more below) but not defined");
        Assert.Equal($"define it in {_project.SpecPath} under prompts.support.variables (line 5), or remove the placeholder", undefined.Hint);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void A_variable_the_template_never_uses_is_a_warning_at_its_key()
    {
        _project.Write("prompts/support.md", "You work for {{ company }}.\n");

        SpecLoadResult result = _project.LoadSpec(SpecYaml);

        Assert.False(result.HasErrors);
        DiagnosticAssert.At(result, _project.SpecPath, 7, 7, "prompts.support.variables.tone", "variable 'tone' is never used", SpecSeverity.Warning);
    }

    [Fact]
    public void Malformed_placeholders_are_errors_in_the_prompt_file()
    {
        string prompt = _project.Write("prompts/support.md",
            "{{ company }} is {{ tone }}.\nSay {{ two words }}, \\{{ literal }} and {{ open\n");

        SpecLoadResult result = _project.LoadSpec(SpecYaml);

        SpecDiagnostic[] errors = result.Errors.ToArray();
        Assert.Equal([(prompt, 2, 5), (prompt, 2, 41)], errors.Select(e => (e.File, e.Line, e.Column)));
        Assert.All(errors, e => Assert.Equal("prompts.support.file", e.Field));
        Assert.StartsWith("'{{ two words }}' is not a placeholder", errors[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("unclosed placeholder", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_prompt_file_is_an_error_at_the_file_value()
    {
        SpecLoadResult result = _project.LoadSpec(SpecYaml);

        DiagnosticAssert.At(result, _project.SpecPath, 4, 11, "prompts.support.file", "prompt file 'prompts/support.md' not found");
    }

    [Fact]
    public void A_prompt_file_that_is_not_utf8_is_an_error_at_the_bad_byte()
    {
        string prompt = _project.WriteBytes("prompts/support.md", [.. "Hello {{ company }}\n{{ tone }} caf"u8, 0xE9]);

        SpecLoadResult result = _project.LoadSpec(SpecYaml);

        DiagnosticAssert.At(result, prompt, 2, 15, "prompts.support.file", "not valid UTF-8");
    }
}
