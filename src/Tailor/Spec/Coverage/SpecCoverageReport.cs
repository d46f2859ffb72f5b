namespace Tailor.Spec.Coverage;

/// <summary>
/// The traceability picture of a spec: for each objective and policy, what serves it; plus what was
/// read and the problems met (unknown ids, unreadable files). Plain data; rendering is the caller's.
/// </summary>
public sealed record SpecCoverageReport
{
    /// <summary>Objectives then policies, in spec order.</summary>
    public required IReadOnlyList<ClauseCoverage> Clauses { get; init; }

    public required IReadOnlyList<SuiteSummary> Suites { get; init; }

    public required IReadOnlyList<DatasetSummary> Datasets { get; init; }

    /// <summary>
    /// Problems in the files read: ids the spec does not define (warnings, with a did-you-mean),
    /// suites that cannot be read (errors), datasets missing or with unparsable lines (warnings).
    /// Paths are as written in tailor.yaml, relative to the project directory.
    /// </summary>
    public required IReadOnlyList<SpecDiagnostic> Problems { get; init; }

    /// <summary>The coverage of <paramref name="id"/>, or null when the spec defines no such objective or policy.</summary>
    public ClauseCoverage? Find(string id) => Clauses.FirstOrDefault(c => c.Id == id);
}
