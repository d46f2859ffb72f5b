using Tailor.Spec.Yaml;

namespace Tailor.Spec.Files;

/// <summary>An id named by a suite or a case in its <c>tags:</c>, with where it was written (field relative to the suite file).</summary>
internal sealed record TagMention(string Id, SourceMark At, string Field);

/// <summary>One case of a suite: its id (or <c>cases[i]</c> when it has none) and the tags it carries itself.</summary>
internal sealed record CaseOutline(string Id, SourceMark At, IReadOnlyList<TagMention> Tags);

/// <summary>
/// The part of an eval suite file the spec needs: its id and which traceability ids it and its
/// cases name. Everything else in the file belongs to the evals runner and is not read here.
/// </summary>
/// <param name="Id">The suite's id.</param>
/// <param name="Tags">Ids the whole suite serves.</param>
/// <param name="Cases">The cases written in the file.</param>
/// <param name="HasCaseFiles">Whether it names case files (<c>cases_from</c>), whose rows only the evals loader reads.</param>
internal sealed record SuiteOutline(string Id, IReadOnlyList<TagMention> Tags, IReadOnlyList<CaseOutline> Cases, bool HasCaseFiles);
