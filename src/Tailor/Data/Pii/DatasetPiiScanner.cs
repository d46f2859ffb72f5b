using System.Text;
using Tailor.Moderation;

namespace Tailor.Data.Pii;

/// <summary>
/// Runs moderation classifiers (the PII and secret detectors, or any <see cref="IModerationClassifier"/>)
/// over every text of an example and reports what they find where; <see cref="Redact"/> replaces
/// the spans found with <c>[LABEL]</c> placeholders. This is the dataset side of the moderation
/// layer: the detectors themselves live in Moderation.
/// </summary>
/// <remarks>Thread-safe when its classifiers are (their contract says they are).</remarks>
public sealed class DatasetPiiScanner
{
    private readonly IReadOnlyList<IModerationClassifier> _classifiers;
    private readonly HashSet<string> _categories;
    private readonly double _threshold;

    /// <param name="classifiers">Classifiers to run on each text.</param>
    /// <param name="categories">Categories that count as findings; privacy and secrets by default.</param>
    /// <param name="threshold">Score from which a category without spans counts as found.</param>
    public DatasetPiiScanner(IReadOnlyList<IModerationClassifier> classifiers, IReadOnlyCollection<string>? categories = null, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(classifiers);
        _classifiers = classifiers;
        _categories = new HashSet<string>(categories ?? [ModerationCategories.Privacy, ModerationCategories.Secrets], StringComparer.Ordinal);
        _threshold = threshold;
    }

    public async Task<IReadOnlyList<PiiFinding>> ScanAsync(Conversation conversation, long line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var findings = new List<PiiFinding>();
        foreach (var (field, text, direction) in Texts(conversation))
        {
            foreach (var classifier in _classifiers)
            {
                var result = await classifier.ClassifyAsync(new ModerationRequest(text, direction), cancellationToken).ConfigureAwait(false);
                var spanned = new HashSet<string>(StringComparer.Ordinal);
                foreach (var span in result.Spans.Where(s => _categories.Contains(s.Category)))
                {
                    spanned.Add(span.Category);
                    findings.Add(new PiiFinding(line, field, span.Category, span.Label, span.Start, span.Length, result.Classifier));
                }
                foreach (var score in result.Scores.Where(s => _categories.Contains(s.Category) && s.Score >= _threshold && !spanned.Contains(s.Category)))
                {
                    findings.Add(new PiiFinding(line, field, score.Category, score.Category, -1, 0, result.Classifier));
                }
            }
        }
        return findings;
    }

    /// <summary>
    /// The example with every found span replaced by <c>[LABEL]</c> (overlapping spans merged). Findings
    /// without a span cannot be redacted in place and are left for the caller to act on (drop the example).
    /// </summary>
    public static Conversation Redact(Conversation conversation, IReadOnlyList<PiiFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(findings);
        var byField = findings.Where(f => f.Start >= 0 && f.Length > 0).GroupBy(f => f.Field).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (byField.Count == 0)
        {
            return conversation;
        }
        string? Apply(string field, string? text) => text is not null && byField.TryGetValue(field, out var spans) ? RedactText(text, spans) : text;
        return conversation with
        {
            Text = Apply("text", conversation.Text),
            SystemPrompt = Apply("system_prompt", conversation.SystemPrompt),
            Messages = conversation.Messages.Select((m, i) => m with { Content = Apply($"messages[{i}].content", m.Content) }).ToList(),
        };
    }

    private static string RedactText(string text, List<PiiFinding> spans)
    {
        var ordered = spans.Where(s => s.Start < text.Length).OrderBy(s => s.Start).ToList();
        var output = new StringBuilder(text.Length);
        int position = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            var span = ordered[i];
            int start = Math.Max(span.Start, position);
            int end = Math.Min(text.Length, span.Start + span.Length);
            string label = span.Label;
            while (i + 1 < ordered.Count && ordered[i + 1].Start < end)
            {
                end = Math.Max(end, Math.Min(text.Length, ordered[i + 1].Start + ordered[i + 1].Length));
                i++;
            }
            if (end <= start)
            {
                continue;
            }
            output.Append(text, position, start - position).Append('[').Append(label.ToUpperInvariant()).Append(']');
            position = end;
        }
        output.Append(text, position, text.Length - position);
        return output.ToString();
    }

    private static IEnumerable<(string Field, string Text, ModerationDirection Direction)> Texts(Conversation conversation)
    {
        if (conversation.Text is { } text)
        {
            yield return ("text", text, ModerationDirection.Input);
        }
        if (conversation.SystemPrompt is { } system)
        {
            yield return ("system_prompt", system, ModerationDirection.Input);
        }
        for (int i = 0; i < conversation.Messages.Count; i++)
        {
            var message = conversation.Messages[i];
            if (!string.IsNullOrEmpty(message.Content))
            {
                yield return ($"messages[{i}].content", message.Content, message.Role == MessageRole.Assistant ? ModerationDirection.Output : ModerationDirection.Input);
            }
        }
    }
}
