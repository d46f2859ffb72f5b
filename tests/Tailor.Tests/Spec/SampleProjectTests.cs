using Tailor.Spec;
using Tailor.Spec.Coverage;

namespace Tailor.Tests.Spec;

/// <summary>samples/support-bot is the example newcomers copy: it must load clean and cover every clause.</summary>
public class SampleProjectTests
{
    private static string SampleSpec()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tailor.slnx")))
            {
                return Path.Combine(directory.FullName, "samples", "support-bot", "tailor.yaml");
            }
        }

        throw new InvalidOperationException("The repository root (Tailor.slnx) was not found above the test binaries.");
    }

    [Fact]
    public void The_sample_loads_with_no_error_and_only_the_unbuilt_model_warning()
    {
        SpecLoadResult result = SpecLoader.Load(SampleSpec());

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        SpecDiagnostic warning = Assert.Single(result.Diagnostics);
        Assert.Equal("models.candidate.path", warning.Field);
        TailorSpec spec = result.Spec;
        Assert.Equal("acme-support", spec.Name);
        Assert.Equal(["baseline", "candidate", "judge"], spec.Models.Keys);
        Assert.Equal(("mistral", "mistral-large-latest"), (spec.Models["baseline"].Provider, spec.Models["baseline"].Model));
        Assert.Equal(3, spec.Policies.Count);
    }

    [Fact]
    public void The_sample_prompt_renders()
    {
        TailorSpec spec = SpecLoader.Load(SampleSpec()).Spec!;

        SystemPrompt prompt = spec.PromptFor(spec.Models["baseline"])!;

        Assert.Equal("support", prompt.Id);
        Assert.StartsWith("You are the support assistant of Acme Cloud.", prompt.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", prompt.Text, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{12}$", prompt.Version);
    }

    [Fact]
    public void Every_clause_of_the_sample_is_covered_by_a_case_a_gate_and_an_example()
    {
        TailorSpec spec = SpecLoader.Load(SampleSpec()).Spec!;

        SpecCoverageReport report = SpecCoverage.Compute(spec, TestContext.Current.CancellationToken);

        Assert.Empty(report.Problems);
        Assert.All(report.Clauses, clause =>
        {
            Assert.NotEmpty(clause.Cases);
            Assert.NotEmpty(clause.Gates);
            Assert.True(clause.DatasetExamples > 0, $"{clause.Id} has no dataset example");
        });
        Assert.All(report.Clauses.Where(c => c.Kind == ClauseKind.Policy), clause => Assert.NotEmpty(clause.ModerationRules));
    }
}
