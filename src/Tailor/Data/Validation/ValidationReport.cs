namespace Tailor.Data.Validation;

/// <summary>One line where a rule was broken, kept as an example for the report.</summary>
public sealed record IssueOccurrence(long Line, string Field, string Message, int? Column);

/// <summary>How often one rule was broken in a file, with the first few places.</summary>
public sealed class RuleTally(DataRule rule)
{
    public DataRule Rule { get; } = rule;
    public long Count { get; internal set; }
    public List<IssueOccurrence> Examples { get; } = [];
}

/// <summary>
/// The counts of a validation run, grouped in buckets (<see cref="IssueBucket"/>) and per rule,
/// each with the first lines that broke it. Built by adding every <see cref="LineVerdict"/>.
/// </summary>
/// <remarks>Not thread-safe: one report per run.</remarks>
public sealed class ValidationReport(string file, int examplesPerRule = 5)
{
    private readonly Dictionary<string, RuleTally> _rules = new(StringComparer.Ordinal);

    public string File { get; } = file;
    public long Lines { get; private set; }
    public long Valid { get; private set; }
    public long Rejected { get; private set; }
    public long LinesWithWarnings { get; private set; }
    public long Bytes { get; private set; }

    /// <summary>Errors (not lines) per bucket.</summary>
    public Dictionary<IssueBucket, long> ErrorsByBucket { get; } = [];

    /// <summary>Warnings per bucket.</summary>
    public Dictionary<IssueBucket, long> WarningsByBucket { get; } = [];

    /// <summary>Rules broken at least once, most frequent first.</summary>
    public IEnumerable<RuleTally> Rules => _rules.Values.OrderByDescending(r => r.Rule.Severity).ThenByDescending(r => r.Count).ThenBy(r => r.Rule.Code, StringComparer.Ordinal);

    public bool HasErrors => Rejected > 0 || _rules.Values.Any(r => r.Rule.Severity == IssueSeverity.Error);

    public void Add(LineVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        Lines++;
        Bytes += verdict.Line.Length + 1;
        if (verdict.IsValid)
        {
            Valid++;
        }
        else
        {
            Rejected++;
        }
        bool warned = false;
        foreach (var issue in verdict.Issues)
        {
            var buckets = issue.Severity == IssueSeverity.Error ? ErrorsByBucket : WarningsByBucket;
            buckets[issue.Bucket] = buckets.GetValueOrDefault(issue.Bucket) + 1;
            warned |= issue.Severity == IssueSeverity.Warning;
            Tally(issue.Code, verdict.Line.Number, issue.Field, issue.Message, issue.Column);
        }
        if (warned)
        {
            LinesWithWarnings++;
        }
    }

    /// <summary>File-level checks, once every line is in.</summary>
    public void Complete(ValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Valid == 0)
        {
            ErrorsByBucket[IssueBucket.File] = ErrorsByBucket.GetValueOrDefault(IssueBucket.File) + 1;
            Tally(DataRules.NoExamples, 0, "", Lines == 0 ? "the file is empty" : $"none of the {Lines} line(s) is a valid example", null);
        }
        else if (options.MinExamples > 0 && Valid < options.MinExamples)
        {
            WarningsByBucket[IssueBucket.File] = WarningsByBucket.GetValueOrDefault(IssueBucket.File) + 1;
            Tally(DataRules.TooFewExamples, 0, "", $"{Valid} valid example(s), fewer than {options.MinExamples}", null);
        }
    }

    private void Tally(string code, long line, string field, string message, int? column)
    {
        if (!_rules.TryGetValue(code, out var tally))
        {
            _rules[code] = tally = new RuleTally(DataRules.Get(code));
        }
        tally.Count++;
        if (tally.Examples.Count < examplesPerRule)
        {
            tally.Examples.Add(new IssueOccurrence(line, field, message, column));
        }
    }
}
