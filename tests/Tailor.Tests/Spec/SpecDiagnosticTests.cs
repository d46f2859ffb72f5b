using Tailor.Spec;

namespace Tailor.Tests.Spec;

public class SpecDiagnosticTests
{
    [Fact]
    public void ToString_renders_compiler_style_with_the_hint_in_parentheses()
    {
        var diagnostic = new SpecDiagnostic
        {
            File = "tailor.yaml",
            Line = 12,
            Column = 5,
            Field = "policies[1].categories[0]",
            Message = "unknown moderation category 'medical'",
            Hint = "did you mean 'health_advice'?",
        };

        Assert.Equal(
            "tailor.yaml:12:5: error: policies[1].categories[0]: unknown moderation category 'medical' (did you mean 'health_advice'?)",
            diagnostic.ToString());
    }

    [Fact]
    public void ToString_leaves_out_what_is_absent()
    {
        var diagnostic = new SpecDiagnostic
        {
            File = "data/train.jsonl",
            Message = "dataset not found",
            Severity = SpecSeverity.Warning,
        };

        Assert.Equal("data/train.jsonl: warning: dataset not found", diagnostic.ToString());
    }
}
