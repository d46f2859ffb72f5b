using Tailor.Spec;

namespace Tailor.Evals.Suites;

/// <summary>What <see cref="SuiteLoader.Load"/> found: the suite (null when it has errors) and every problem, with file, line and field.</summary>
public sealed record SuiteLoadResult(EvalSuite? Suite, IReadOnlyList<SpecDiagnostic> Diagnostics)
{
    public bool HasErrors => Suite is null || Diagnostics.Any(d => d.Severity == SpecSeverity.Error);
}
