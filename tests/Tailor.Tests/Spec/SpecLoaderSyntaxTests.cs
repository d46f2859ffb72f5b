using System.Text;
using Tailor.Spec;

namespace Tailor.Tests.Spec;

/// <summary>Files that are not readable YAML: each gets one error with the exact position and plain words.</summary>
public class SpecLoaderSyntaxTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private SpecDiagnostic OnlyError(SpecLoadResult result)
    {
        Assert.True(result.HasErrors);
        Assert.Null(result.Spec);
        SpecDiagnostic error = Assert.Single(result.Diagnostics);
        Assert.Equal(_project.SpecPath, error.File);
        Assert.Equal(SpecSeverity.Error, error.Severity);
        return error;
    }

    [Fact]
    public void A_list_item_key_indented_one_space_short_is_bad_indentation_at_that_key()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            objectives:
              - id: a
                description: b
              - id: c
               description: d
            """);

        SpecDiagnostic error = OnlyError(result);
        Assert.Equal((6, 4, ""), (error.Line, error.Column, error.Field));
        Assert.StartsWith("bad indentation", error.Message, StringComparison.Ordinal);
        Assert.Contains("'id' on line 5 starts at column 5", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_indented_deeper_than_its_siblings_is_bad_indentation_at_the_key()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              a:
                provider: mistral
                 model: m
            """);

        SpecDiagnostic error = OnlyError(result);
        Assert.Equal((5, 6, ""), (error.Line, error.Column, error.Field));
        Assert.StartsWith("bad indentation", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: x\nobjectives:\n  - id: a\n\tdescription: b\n", 4, 1)]
    [InlineData("name: x\nmodels:\n  a:\n  \tprovider: mistral\n", 4, 3)]
    public void A_tab_in_indentation_is_reported_where_the_tab_is(string yaml, int line, int column)
    {
        SpecDiagnostic error = OnlyError(_project.LoadSpec(yaml));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal("a tab is used for indentation; YAML indents with spaces only", error.Message);
        Assert.Equal("replace the tab with spaces", error.Hint);
    }

    [Theory]
    [InlineData("name: x\ndescription: \"unclosed\nobjectives: []\n", '"')]
    [InlineData("name: x\ndescription: 'unclosed\nobjectives: []\n", '\'')]
    public void An_unclosed_quote_is_reported_where_it_opens(string yaml, char quote)
    {
        SpecDiagnostic error = OnlyError(_project.LoadSpec(yaml));

        Assert.Equal((2, 14), (error.Line, error.Column));
        Assert.Equal($"unclosed quote: the text opened with {quote} here is never closed", error.Message);
    }

    [Fact]
    public void A_value_containing_colon_space_says_to_quote_it()
    {
        SpecDiagnostic error = OnlyError(_project.LoadSpec("name: x\ndescription: note: this breaks\n"));

        Assert.Equal((2, 18), (error.Line, error.Column));
        Assert.Equal("put the value in quotes", error.Hint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    [InlineData("---\n")]
    public void An_empty_file_is_one_clear_error(string yaml)
    {
        SpecDiagnostic error = OnlyError(_project.LoadSpec(yaml));

        Assert.Equal((0, 0), (error.Line, error.Column));
        Assert.Equal("the file is empty", error.Message);
    }

    [Fact]
    public void A_root_that_is_not_a_mapping_says_what_it_got()
    {
        SpecDiagnostic error = OnlyError(_project.LoadSpec("- name: x\n- name: y\n"));

        Assert.Equal((1, 1, ""), (error.Line, error.Column, error.Field));
        Assert.StartsWith("expected a mapping at the top level", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("got a list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_that_is_not_utf8_is_reported_at_its_line_and_column()
    {
        _project.WriteBytes("tailor.yaml", [.. "name: x\ndescription: caf"u8, 0xE9, .. "\n"u8]);

        SpecDiagnostic error = OnlyError(SpecLoader.Load(_project.SpecPath));

        Assert.Equal((2, 17), (error.Line, error.Column));
        Assert.Equal("the file is not valid UTF-8: byte 0xE9 does not start a character", error.Message);
    }

    [Fact]
    public void A_utf16_file_is_named_as_such()
    {
        _project.WriteBytes("tailor.yaml", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("name: x\n")]);

        SpecDiagnostic error = OnlyError(SpecLoader.Load(_project.SpecPath));

        Assert.Equal("the file is UTF-16 encoded", error.Message);
        Assert.Equal("save it as UTF-8", error.Hint);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted()
    {
        _project.WriteBytes("tailor.yaml", [0xEF, 0xBB, 0xBF, .. "name: bom\n"u8]);

        SpecLoadResult result = SpecLoader.Load(_project.SpecPath);

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        Assert.Equal("bom", result.Spec.Name);
    }

    [Fact]
    public void A_missing_file_is_a_diagnostic_not_an_exception()
    {
        string path = Path.Combine(_project.Directory, "nowhere", "tailor.yaml");

        SpecLoadResult result = SpecLoader.Load(path);

        SpecDiagnostic error = Assert.Single(result.Diagnostics);
        Assert.Equal(path, error.File);
        Assert.Equal("file not found", error.Message);
        Assert.Null(result.Spec);
    }

    [Fact]
    public void The_diagnostic_file_is_the_path_as_given()
    {
        _project.Write("tailor.yaml", "nam: x\n");
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), _project.SpecPath);

        SpecLoadResult result = SpecLoader.Load(relative);

        Assert.All(result.Diagnostics, d => Assert.Equal(relative, d.File));
    }

    [Fact]
    public void A_second_document_is_reported_at_its_separator()
    {
        SpecLoadResult result = _project.LoadSpec("name: a\n---\nname: b\n");

        SpecDiagnostic error = OnlyError(result);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains("second YAML document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_to_no_anchor_is_reported_and_reading_goes_on()
    {
        SpecLoadResult result = _project.LoadSpec("name: x\ndescription: *missing\nfoo: 1\n");

        Assert.Equal(2, result.Diagnostics.Count);
        SpecDiagnostic alias = result.Diagnostics[0];
        Assert.Equal((2, 14, ""), (alias.Line, alias.Column, alias.Field));
        Assert.Equal("'*missing' refers to no anchor defined above it", alias.Message);
        DiagnosticAssert.At(result, _project.SpecPath, 3, 1, "foo", "unknown key 'foo'");
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_are_resolved()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              baseline:
                provider: mistral
                model: mistral-large-latest
                options: &shared
                  temperature: 0.2
                  max_tokens: 300
              judge:
                <<: {provider: mistral, model: ignored-because-set-below}
                model: mistral-small-latest
                options:
                  <<: *shared
                  temperature: 0
            """);

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        ModelSpec judge = result.Spec.Models["judge"];
        Assert.Equal(("mistral", "mistral-small-latest"), (judge.Provider, judge.Model));
        Assert.Equal((0f, 300), (judge.Options.Temperature, judge.Options.MaxTokens));
        Assert.Equal(0.2f, result.Spec.Models["baseline"].Options.Temperature);
    }
}
