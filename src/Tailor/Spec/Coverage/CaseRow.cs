namespace Tailor.Spec.Coverage;

/// <summary>
/// A case read from one of a suite's case files (<c>cases_from</c>): its id, every id it serves (the suite's tags
/// included), and where it is (file relative to the project, line).
/// </summary>
public sealed record CaseRow(string CaseId, IReadOnlyList<string> Tags, string File, int Line);

/// <summary>
/// The rows of the case files a suite names, for the suite file as written under <c>evals.suites</c>. The evals layer
/// reads them (the spec does not parse case files); a suite that cannot be loaded yields none.
/// </summary>
public delegate IEnumerable<CaseRow> CaseRowSource(string suiteFile, CancellationToken cancellationToken);
