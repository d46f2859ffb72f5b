using Tailor.Spec;

namespace Tailor.Tests.Spec;

public class PromptTemplateTests
{
    [Fact]
    public void Parse_finds_placeholders_with_positions_and_distinct_variables()
    {
        var template = PromptTemplate.Parse("Hi {{name}}!\n  {{ place }} and {{\tname }}.");

        Assert.Equal(
            [
                new PromptPlaceholder("name", 3, 8, 1, 4),
                new PromptPlaceholder("place", 15, 11, 2, 3),
                new PromptPlaceholder("name", 31, 10, 2, 19),
            ],
            template.Placeholders);
        Assert.Equal(["name", "place"], template.Variables);
        Assert.Empty(template.Errors);
    }

    [Fact]
    public void Render_substitutes_values_once_and_keeps_other_braces()
    {
        var template = PromptTemplate.Parse("{{ a }} {json: 1} \\{{ b }} {{b}}");

        string text = template.Render(new Dictionary<string, string> { ["a"] = "{{ b }}", ["b"] = "B" });

        Assert.Equal("{{ b }} {json: 1} {{ b }} B", text);
        Assert.Equal(["a", "b"], template.Variables);
    }

    [Fact]
    public void Render_refuses_a_missing_variable()
    {
        var template = PromptTemplate.Parse("{{ a }} {{ b }} {{ c }}");

        var ex = Assert.Throws<InvalidOperationException>(() => template.Render(new Dictionary<string, string> { ["b"] = "" }));

        Assert.Equal("The prompt template uses 'a', 'c' but no value was given.", ex.Message);
    }

    [Fact]
    public void Malformed_placeholders_are_errors_and_block_rendering()
    {
        var template = PromptTemplate.Parse("ok {{ x }}\n{{}} {{ 1x }} {{ a\n");

        Assert.Equal([(2, 1), (2, 6), (2, 15)], template.Errors.Select(e => (e.Line, e.Column)));
        Assert.Equal(["x"], template.Variables);
        Assert.Throws<InvalidOperationException>(() => template.Render(new Dictionary<string, string> { ["x"] = "1" }));
    }
}
