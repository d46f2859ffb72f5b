using Tailor.Moderation;
using Tailor.Spec.Files;
using Tailor.Spec.Loading;
using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Coverage;

/// <summary>
/// Computes which eval suites and cases, gates, moderation rules and dataset examples serve each
/// objective and policy of a spec: the thread from a clause of the spec to the evidence for it.
/// </summary>
/// <remarks>
/// Reads the suite files and streams the datasets the spec names; stateless and thread-safe.
/// Never throws for bad files: they become <see cref="SpecCoverageReport.Problems"/>.
/// </remarks>
public static class SpecCoverage
{
    /// <param name="spec">The loaded spec.</param>
    /// <param name="cancellationToken">Stops reading datasets and case files.</param>
    /// <param name="caseRows">Reads the rows of suites' case files (<c>cases_from</c>); without it only cases written in suite files count.</param>
    public static SpecCoverageReport Compute(TailorSpec spec, CancellationToken cancellationToken = default, CaseRowSource? caseRows = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var clauses = new Dictionary<string, Builder>(StringComparer.Ordinal);
        foreach (Objective objective in spec.Objectives)
        {
            clauses.TryAdd(objective.Id, new Builder(objective.Id, ClauseKind.Objective, objective.Description));
        }

        foreach (Policy policy in spec.Policies)
        {
            if (clauses.TryAdd(policy.Id, new Builder(policy.Id, ClauseKind.Policy, policy.Description)))
            {
                AddModerationRules(clauses[policy.Id], policy, spec.Moderation);
            }
        }

        var problems = new List<SpecDiagnostic>();
        List<SuiteSummary> suites = ReadSuites(spec, clauses, problems, caseRows, cancellationToken);
        foreach (GateSpec gate in spec.Gates)
        {
            foreach (string id in gate.Serves.Distinct(StringComparer.Ordinal))
            {
                if (clauses.TryGetValue(id, out Builder? clause))
                {
                    clause.Gates.Add(gate.Id);
                }
            }
        }

        List<DatasetSummary> datasets = ScanDatasets(spec, clauses, problems, cancellationToken);
        return new SpecCoverageReport
        {
            Clauses = clauses.Values.Select(c => c.Build()).ToArray(),
            Suites = suites,
            Datasets = datasets,
            Problems = problems,
        };
    }

    private static void AddModerationRules(Builder clause, Policy policy, ModerationSpec moderation)
    {
        foreach (string category in policy.Categories)
        {
            if (moderation.Input && policy.Input != PolicyAction.Allow)
            {
                clause.ModerationRules.Add(new ModerationRule(category, ModerationDirection.Input, policy.Input));
            }

            if (moderation.Output && policy.Output != PolicyAction.Allow)
            {
                clause.ModerationRules.Add(new ModerationRule(category, ModerationDirection.Output, policy.Output));
            }
        }
    }

    private static List<SuiteSummary> ReadSuites(
        TailorSpec spec, Dictionary<string, Builder> clauses, List<SpecDiagnostic> problems, CaseRowSource? caseRows, CancellationToken cancellationToken)
    {
        var suites = new List<SuiteSummary>();
        for (int s = 0; s < spec.Evals.Suites.Count; s++)
        {
            string file = spec.Evals.Suites[s];
            SuiteOutline? suite = SuiteOutlineReader.Read(spec.ResolvePath(file), out FileProblem? problem);
            if (suite is null)
            {
                problems.Add(Diagnostic(file, problem!.At, $"evals.suites[{s}]", problem.Message, problem.Hint, SpecSeverity.Error));
                continue;
            }

            foreach (TagMention tag in suite.Tags)
            {
                if (clauses.TryGetValue(tag.Id, out Builder? clause))
                {
                    clause.AddSuite(suite.Id);
                }
                else
                {
                    problems.Add(UnknownId(file, tag, $"suite '{suite.Id}'", clauses.Keys));
                }
            }

            foreach (CaseOutline @case in suite.Cases)
            {
                foreach (TagMention tag in @case.Tags.Where(t => !clauses.ContainsKey(t.Id)))
                {
                    problems.Add(UnknownId(file, tag, $"case '{@case.Id}'", clauses.Keys));
                }

                IEnumerable<string> named = suite.Tags.Concat(@case.Tags).Select(t => t.Id).Distinct(StringComparer.Ordinal);
                foreach (string id in named)
                {
                    if (clauses.TryGetValue(id, out Builder? clause))
                    {
                        clause.AddSuite(suite.Id);
                        clause.Cases.Add(new CaseReference(suite.Id, @case.Id, file, @case.At.Line));
                    }
                }
            }

            int rows = 0;
            // An unknown id is reported once per case file, with how many rows name it and where the first is.
            var unknown = new Dictionary<(string File, string Id), (int Rows, int FirstLine)>();
            // Only a suite that names case files is read again, by the evals loader.
            foreach (CaseRow row in (suite.HasCaseFiles ? caseRows?.Invoke(file, cancellationToken) : null) ?? [])
            {
                rows++;
                foreach (string id in row.Tags.Distinct(StringComparer.Ordinal))
                {
                    if (clauses.TryGetValue(id, out Builder? clause))
                    {
                        clause.AddSuite(suite.Id);
                        clause.Cases.Add(new CaseReference(suite.Id, row.CaseId, row.File, row.Line));
                    }
                    else if (!suite.Tags.Any(t => t.Id == id))
                    {
                        unknown[(row.File, id)] = unknown.TryGetValue((row.File, id), out var seen) ? (seen.Rows + 1, seen.FirstLine) : (1, row.Line);
                    }
                }
            }

            foreach (((string caseFile, string id), (int count, int firstLine)) in unknown)
            {
                problems.Add(Diagnostic(caseFile, new SourceMark(firstLine, 1), "tags",
                    $"unknown id '{id}' in {Plural(count, "case", "cases")} (the first is here)", IdHint(id, clauses.Keys), SpecSeverity.Warning));
            }

            suites.Add(new SuiteSummary(suite.Id, file, suite.Cases.Count + rows));
        }

        return suites;
    }

    private static List<DatasetSummary> ScanDatasets(TailorSpec spec, Dictionary<string, Builder> clauses, List<SpecDiagnostic> problems, CancellationToken cancellationToken)
    {
        var datasets = new List<DatasetSummary>();
        foreach (string file in spec.Datasets)
        {
            string fullPath = spec.ResolvePath(file);
            if (!File.Exists(fullPath))
            {
                problems.Add(Diagnostic(file, null, "", "dataset not found", "it may not be exported yet", SpecSeverity.Warning));
                datasets.Add(new DatasetSummary(file, Found: false, 0, 0, 0));
                continue;
            }

            DatasetScan scan;
            try
            {
                scan = DatasetTagScanner.Scan(fullPath, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add(Diagnostic(file, null, "", $"cannot read the dataset: {ex.Message}", null, SpecSeverity.Error));
                datasets.Add(new DatasetSummary(file, Found: true, 0, 0, 0));
                continue;
            }

            datasets.Add(new DatasetSummary(file, Found: true, scan.Lines, scan.Examples, scan.Skipped));
            if (scan.Skipped > 0)
            {
                problems.Add(Diagnostic(file, new SourceMark((int)Math.Min(scan.FirstSkippedLine, int.MaxValue), 1), "",
                    $"{Plural(scan.Skipped, "line is", "lines are")} not a JSON object and {(scan.Skipped == 1 ? "was" : "were")} skipped (the first is here)",
                    null, SpecSeverity.Warning));
            }

            foreach ((string id, (long examples, long firstLine)) in scan.Ids)
            {
                if (clauses.TryGetValue(id, out Builder? clause))
                {
                    clause.Datasets.Add(new DatasetExampleCount(file, examples));
                    continue;
                }

                problems.Add(Diagnostic(file, new SourceMark((int)Math.Min(firstLine, int.MaxValue), 1), "tags",
                    $"unknown id '{id}' in {Plural(examples, "example", "examples")} (the first is here)",
                    IdHint(id, clauses.Keys), SpecSeverity.Warning));
            }
        }

        return datasets;
    }

    private static SpecDiagnostic UnknownId(string file, TagMention tag, string where, IReadOnlyCollection<string> known) =>
        Diagnostic(file, tag.At, tag.Field, $"unknown id '{tag.Id}' in {where}", IdHint(tag.Id, known), SpecSeverity.Warning);

    private static string IdHint(string id, IReadOnlyCollection<string> known) =>
        Spelling.Closest(id, known) is { } meant
            ? $"did you mean '{meant}'?"
            : "tags name the objective and policy ids defined in tailor.yaml";

    private static SpecDiagnostic Diagnostic(string file, SourceMark? at, string field, string message, string? hint, SpecSeverity severity) =>
        SpecDiagnostic.At(file, at, field, message, hint, severity);

    private static string Plural(long count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    private sealed class Builder(string id, ClauseKind kind, string description)
    {
        private readonly List<string> _suites = [];

        public List<CaseReference> Cases { get; } = [];
        public List<string> Gates { get; } = [];
        public List<ModerationRule> ModerationRules { get; } = [];
        public List<DatasetExampleCount> Datasets { get; } = [];

        public void AddSuite(string suiteId)
        {
            if (!_suites.Contains(suiteId))
            {
                _suites.Add(suiteId);
            }
        }

        public ClauseCoverage Build() => new()
        {
            Id = id,
            Kind = kind,
            Description = description,
            Suites = _suites,
            Cases = Cases,
            Gates = Gates,
            ModerationRules = ModerationRules,
            Datasets = Datasets,
        };
    }
}
