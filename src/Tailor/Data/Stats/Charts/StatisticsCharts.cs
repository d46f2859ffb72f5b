using System.Globalization;

namespace Tailor.Data.Stats.Charts;

/// <summary>
/// PNG charts of <see cref="DatasetStatistics"/>: histograms of messages, user turns, characters
/// and tokens per example, and examples per tag. Rendered with a built-in raster and font, so they
/// work on any machine without native graphics libraries.
/// </summary>
public static class StatisticsCharts
{
    private const uint Bar = 0x3B6EA5;
    private const uint Warn = 0xD9822B;
    private const uint Ink = 0x222222;
    private const uint Grid = 0xCCCCCC;

    /// <summary>Writes the charts into <paramref name="directory"/> (created if needed); returns the paths written.</summary>
    public static IReadOnlyList<string> Write(DatasetStatistics stats, string directory, IReadOnlyCollection<string>? specIds = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Save(string name, Canvas canvas)
        {
            string path = Path.Combine(directory, name);
            using var file = File.Create(path);
            canvas.WritePng(file);
            written.Add(path);
        }
        if (stats.Messages.Count > 0)
        {
            Save("messages.png", Histogram("messages per example", stats.Messages));
            Save("user-turns.png", Histogram("user turns per example", stats.UserTurns));
        }
        if (stats.Characters.Count > 0)
        {
            Save("characters.png", Histogram("characters per example", stats.Characters));
        }
        if (stats.Tokens is { Count: > 0 } tokens)
        {
            Save("tokens.png", Histogram($"tokens per example{(stats.TokensEstimated ? " (estimate)" : "")}", tokens));
        }
        var tags = stats.Tags.ToList();
        foreach (string id in specIds ?? [])
        {
            if (tags.All(t => t.Label != id))
            {
                tags.Add(new LabelCount(id, 0));
            }
        }
        if (stats.Untagged > 0)
        {
            tags.Add(new LabelCount("(untagged)", stats.Untagged));
        }
        if (tags.Count > 0)
        {
            Save("tags.png", Bars("examples per tag", tags));
        }
        return written;
    }

    /// <summary>Vertical bars of a distribution's histogram, with the range on the x axis and the tallest count on the y axis.</summary>
    internal static Canvas Histogram(string title, Distribution distribution)
    {
        const int Width = 720, Height = 400, Left = 90, Right = 20, Top = 50, Bottom = 60;
        var canvas = new Canvas(Width, Height);
        canvas.Text(Left, 16, $"{title}  (n={distribution.Count}, median {Format(distribution.P50)})", Ink);
        var buckets = distribution.Histogram;
        long max = Math.Max(1, buckets.Count == 0 ? 1 : buckets.Max(b => b.Count));
        int plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        canvas.Fill(Left, Top, 1, plotHeight, Grid);
        canvas.Fill(Left, Top + plotHeight, plotWidth, 1, Ink);
        canvas.Text(Left - 8 - Canvas.TextWidth(Format(max)), Top, Format(max), Ink);
        canvas.Text(Left - 8 - Canvas.TextWidth("0"), Top + plotHeight - 14, "0", Ink);
        if (buckets.Count > 0)
        {
            int slot = plotWidth / buckets.Count;
            for (int i = 0; i < buckets.Count; i++)
            {
                int height = (int)Math.Round(plotHeight * (double)buckets[i].Count / max);
                if (buckets[i].Count > 0)
                {
                    height = Math.Max(1, height);
                }
                canvas.Fill(Left + i * slot + 1, Top + plotHeight - height, Math.Max(1, slot - 2), height, Bar);
            }
            string low = Format(distribution.Min), high = Format(buckets[^1].UpTo);
            canvas.Text(Left, Top + plotHeight + 10, low, Ink);
            canvas.Text(Left + buckets.Count * slot - Canvas.TextWidth(high), Top + plotHeight + 10, high, Ink);
        }
        return canvas;
    }

    /// <summary>Horizontal bars with their labels and counts; zero counts drawn as a warning mark.</summary>
    internal static Canvas Bars(string title, IReadOnlyList<LabelCount> values)
    {
        const int Width = 740, Top = 50, Row = 26, LabelWidth = 290, Right = 100;
        int height = Top + Row * values.Count + 20;
        var canvas = new Canvas(Width, height);
        canvas.Text(10, 16, title, Ink);
        long max = Math.Max(1, values.Max(v => v.Count));
        int plotWidth = Width - LabelWidth - Right;
        for (int i = 0; i < values.Count; i++)
        {
            int y = Top + i * Row;
            string label = values[i].Label.Length > 22 ? values[i].Label[..21] + "." : values[i].Label;
            canvas.Text(10, y + 4, label, values[i].Count == 0 ? Warn : Ink);
            int width = (int)Math.Round(plotWidth * (double)values[i].Count / max);
            if (values[i].Count == 0)
            {
                canvas.Fill(LabelWidth, y + 2, 4, Row - 6, Warn);
            }
            else
            {
                canvas.Fill(LabelWidth, y + 2, Math.Max(2, width), Row - 6, Bar);
            }
            canvas.Text(LabelWidth + Math.Max(4, width) + 8, y + 4, Format(values[i].Count), values[i].Count == 0 ? Warn : Ink);
        }
        return canvas;
    }

    private static string Format(double value) => value >= 10_000
        ? value.ToString("0.#e0", CultureInfo.InvariantCulture)
        : value.ToString("0.#", CultureInfo.InvariantCulture);
}
