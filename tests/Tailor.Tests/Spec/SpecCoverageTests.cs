using Tailor.Moderation;
using Tailor.Spec;
using Tailor.Spec.Coverage;

namespace Tailor.Tests.Spec;

public class SpecCoverageTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private TailorSpec LoadFixture()
    {
        _project.Write("evals/a.yaml", """
            id: suite-a
            tags: [answer]
            cases:
              - id: c1
                tags: [pii]
                input: x
              - id: c2
                input: y
              - id: c3
                tags: [answr, answer]
            """);
        _project.Write("evals/b.yaml", """
            cases:
              - tags: escalate
                input: z
                scorer: {type: exact}
              - id: d2
                tags: [civil, nonsense]
            """);
        _project.Write("data/train.jsonl", """
            {"messages": [], "tags": ["answer"]}
            {"messages": [], "metadata": {"tags": ["answer", "pii"]}}
            not json
            {"messages": [], "tags": ["answer"], "metadata": {"tags": ["answer"]}}
            [1, 2]
            {"messages": [], "tags": ["ghost"]}

            {"messages": [], "tags": ["ghost", "escalate"]}
            """);
        SpecLoadResult result = _project.LoadSpec("""
            name: cov
            objectives:
              - id: answer
                description: Answer.
              - id: escalate
                description: Escalate.
            policies:
              - id: pii
                description: No PII.
                categories: [privacy, secrets]
                input: redact
                output: block
              - id: civil
                description: Civil.
                categories: [hate]
                input: allow
                output: flag
            evals:
              suites: [evals/a.yaml, evals/b.yaml]
            gates:
              - id: g1
                metric: accuracy
                min: 0.5
                serves: [answer, pii]
              - id: g2
                metric: accuracy
                min: 0.5
                serves: [answer]
            datasets: [data/train.jsonl, data/missing.jsonl]
            """);
        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        return result.Spec;
    }

    [Fact]
    public void Counts_cases_gates_rules_and_examples_per_clause()
    {
        SpecCoverageReport report = SpecCoverage.Compute(LoadFixture(), TestContext.Current.CancellationToken);

        Assert.Equal(["answer", "escalate", "pii", "civil"], report.Clauses.Select(c => c.Id));
        Assert.Equal([ClauseKind.Objective, ClauseKind.Objective, ClauseKind.Policy, ClauseKind.Policy], report.Clauses.Select(c => c.Kind));

        ClauseCoverage answer = report.Find("answer")!;
        Assert.Equal(["suite-a"], answer.Suites);
        Assert.Equal(
            [new CaseReference("suite-a", "c1", "evals/a.yaml", 4), new CaseReference("suite-a", "c2", "evals/a.yaml", 7), new CaseReference("suite-a", "c3", "evals/a.yaml", 9)],
            answer.Cases);
        Assert.Equal(["g1", "g2"], answer.Gates);
        Assert.Empty(answer.ModerationRules);
        Assert.Equal([new DatasetExampleCount("data/train.jsonl", 3)], answer.Datasets);

        ClauseCoverage escalate = report.Find("escalate")!;
        Assert.Equal([new CaseReference("b", "cases[0]", "evals/b.yaml", 2)], escalate.Cases);
        Assert.Empty(escalate.Gates);
        Assert.Equal(1, escalate.DatasetExamples);

        ClauseCoverage pii = report.Find("pii")!;
        Assert.Equal(["c1"], pii.Cases.Select(c => c.CaseId));
        Assert.Equal(["g1"], pii.Gates);
        Assert.Equal(
            [
                new ModerationRule("privacy", ModerationDirection.Input, PolicyAction.Redact),
                new ModerationRule("privacy", ModerationDirection.Output, PolicyAction.Block),
                new ModerationRule("secrets", ModerationDirection.Input, PolicyAction.Redact),
                new ModerationRule("secrets", ModerationDirection.Output, PolicyAction.Block),
            ],
            pii.ModerationRules);
        Assert.Equal(1, pii.DatasetExamples);

        ClauseCoverage civil = report.Find("civil")!;
        Assert.Equal(["d2"], civil.Cases.Select(c => c.CaseId));
        Assert.Equal([new ModerationRule("hate", ModerationDirection.Output, PolicyAction.Flag)], civil.ModerationRules);
        Assert.Equal(0, civil.DatasetExamples);
    }

    [Fact]
    public void Summarises_suites_and_datasets_and_streams_past_bad_lines()
    {
        SpecCoverageReport report = SpecCoverage.Compute(LoadFixture(), TestContext.Current.CancellationToken);

        Assert.Equal([new SuiteSummary("suite-a", "evals/a.yaml", 3), new SuiteSummary("b", "evals/b.yaml", 2)], report.Suites);
        Assert.Equal(
            [new DatasetSummary("data/train.jsonl", true, 7, 5, 2), new DatasetSummary("data/missing.jsonl", false, 0, 0, 0)],
            report.Datasets);
    }

    [Fact]
    public void Reports_ids_the_spec_does_not_define_where_they_are_written()
    {
        SpecCoverageReport report = SpecCoverage.Compute(LoadFixture(), TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "evals/a.yaml:10:12: warning: cases[2].tags[0]: unknown id 'answr' in case 'c3' (did you mean 'answer'?)",
                "evals/b.yaml:6:19: warning: cases[1].tags[1]: unknown id 'nonsense' in case 'd2' (tags name the objective and policy ids defined in tailor.yaml)",
                "data/train.jsonl:3:1: warning: 2 lines are not a JSON object and were skipped (the first is here)",
                "data/train.jsonl:6:1: warning: tags: unknown id 'ghost' in 2 examples (the first is here) (tags name the objective and policy ids defined in tailor.yaml)",
                "data/missing.jsonl: warning: dataset not found (it may not be exported yet)",
            ],
            report.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Moderation_rules_follow_the_directions_that_are_on()
    {
        TailorSpec spec = LoadFixture();

        SpecCoverageReport report = SpecCoverage.Compute(spec with { Moderation = new ModerationSpec { Input = false } }, TestContext.Current.CancellationToken);

        Assert.Equal([ModerationDirection.Output, ModerationDirection.Output], report.Find("pii")!.ModerationRules.Select(r => r.Direction));
    }

    [Fact]
    public void An_unreadable_suite_is_a_problem_not_an_exception()
    {
        TailorSpec spec = LoadFixture();
        _project.Write("evals/b.yaml", "cases:\n  - id: x\n   tags: [a]\n");

        SpecCoverageReport report = SpecCoverage.Compute(spec, TestContext.Current.CancellationToken);

        SpecDiagnostic problem = Assert.Single(report.Problems, p => p.Severity == SpecSeverity.Error);
        Assert.Equal(("evals/b.yaml", 3, 4, "evals.suites[1]"), (problem.File, problem.Line, problem.Column, problem.Field));
        Assert.Equal(["suite-a"], report.Suites.Select(s => s.Id));
    }
}
