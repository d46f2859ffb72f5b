using System.Text;

namespace Tailor.Moderation;

/// <summary>Replaces spans of a text with <c>[REDACTED:label]</c> placeholders, and merges overlapping spans first.</summary>
public static class Redactor
{
    /// <summary>The placeholder a span becomes.</summary>
    public static string Placeholder(TextSpan span)
    {
        ArgumentNullException.ThrowIfNull(span);
        return $"[REDACTED:{span.Label}]";
    }

    /// <summary><paramref name="text"/> with every span replaced; spans outside the text are clipped, overlapping ones merged.</summary>
    public static string Apply(string text, IReadOnlyList<TextSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        int at = 0;
        foreach (var span in Merge(spans, text.Length))
        {
            builder.Append(text, at, span.Start - at).Append(Placeholder(span));
            at = span.Start + span.Length;
        }
        return builder.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>Spans in text order, clipped to <paramref name="length"/>, overlapping ones merged (the first one's label kept).</summary>
    public static IReadOnlyList<TextSpan> Merge(IEnumerable<TextSpan> spans, int length)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var merged = new List<TextSpan>();
        foreach (var span in spans.Where(s => s.Length > 0 && s.Start < length).OrderBy(s => s.Start).ThenByDescending(s => s.Length))
        {
            int start = Math.Max(0, span.Start);
            int end = Math.Min(length, span.Start + span.Length);
            if (merged.Count > 0 && start < merged[^1].Start + merged[^1].Length)
            {
                var last = merged[^1];
                merged[^1] = last with { Length = Math.Max(last.Start + last.Length, end) - last.Start };
                continue;
            }
            merged.Add(span with { Start = start, Length = end - start });
        }
        return merged;
    }
}
