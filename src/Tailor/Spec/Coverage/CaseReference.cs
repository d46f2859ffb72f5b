namespace Tailor.Spec.Coverage;

/// <summary>An eval case that names a clause, directly or through its suite's tags.</summary>
/// <param name="SuiteId">The suite's id (its <c>id:</c>, else its file name without extension).</param>
/// <param name="CaseId">The case's id, or <c>cases[i]</c> when it has none.</param>
/// <param name="File">The suite file, as written in tailor.yaml.</param>
/// <param name="Line">1-based line where the case starts.</param>
public sealed record CaseReference(string SuiteId, string CaseId, string File, int Line);
