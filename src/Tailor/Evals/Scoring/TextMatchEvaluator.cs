using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Tailor.Evals.Suites;

namespace Tailor.Evals.Scoring;

/// <summary>
/// The text checks: <c>exact</c>, <c>contains</c>, <c>icontains</c>, <c>contains-any</c>/<c>-all</c>
/// (and their <c>i</c> forms), <c>starts-with</c> and <c>regex</c>; optionally negated. Value 1 when the
/// check holds (after negation), else 0. Exact compares trimmed text.
/// </summary>
/// <remarks>Immutable and thread-safe. Regexes run with a 1-second timeout so a pathological pattern cannot stall a run.</remarks>
public sealed class TextMatchEvaluator : TailorEvaluator
{
    private readonly string _type;
    private readonly IReadOnlyList<string> _values;
    private readonly bool _ignoreCase;
    private readonly bool _negate;
    private readonly Regex? _regex;

    public TextMatchEvaluator(string metricName, string type, IReadOnlyList<string> values, bool ignoreCase = false, bool negate = false)
        : base(metricName)
    {
        ArgumentNullException.ThrowIfNull(values);
        _type = type;
        _values = values;
        _negate = negate;
        _ignoreCase = ignoreCase || type is ScorerTypes.IContains or ScorerTypes.IContainsAny or ScorerTypes.IContainsAll;
        if (type == ScorerTypes.Regex)
        {
            _regex = new Regex(values.Single(), _ignoreCase ? RegexOptions.IgnoreCase | RegexOptions.CultureInvariant : RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }

    protected override ValueTask<EvaluationMetric> ScoreAsync(
        IEnumerable<ChatMessage> messages, ChatResponse response, ChatConfiguration? chatConfiguration,
        IEnumerable<EvaluationContext> context, CancellationToken cancellationToken)
    {
        string text = response.Text;
        var comparison = _ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        (bool holds, string what) = _type switch
        {
            ScorerTypes.Exact => (string.Equals(text.Trim(), _values[0].Trim(), comparison), $"equals '{Short(_values[0])}'"),
            ScorerTypes.StartsWith => (text.TrimStart().StartsWith(_values[0].Trim(), comparison), $"starts with '{Short(_values[0])}'"),
            ScorerTypes.Regex => (_regex!.IsMatch(text), $"matches /{Short(_values[0])}/"),
            ScorerTypes.ContainsAll or ScorerTypes.IContainsAll => (_values.All(v => text.Contains(v, comparison)), $"contains all of {List()}"),
            ScorerTypes.ContainsAny or ScorerTypes.IContainsAny => (_values.Any(v => text.Contains(v, comparison)), $"contains any of {List()}"),
            _ => (text.Contains(_values[0], comparison), $"contains '{Short(_values[0])}'"),
        };

        bool passed = holds != _negate;
        string reason = $"the output {(holds ? "" : "does not ")}{what}{(_negate ? " (negated check)" : "")}";
        return ValueTask.FromResult<EvaluationMetric>(ScoreMetrics.Check(MetricName, passed, reason));
    }

    private string List() => "[" + string.Join(", ", _values.Select(v => $"'{Short(v)}'")) + "]";

    private static string Short(string value) => value.Length > 60 ? value[..57] + "..." : value;
}
