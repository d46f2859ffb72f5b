using System.Globalization;
using System.Net;
using System.Text;
using Tailor.Moderation.Evaluation;

namespace Tailor.Cli.Commands;

/// <summary>The precision-recall curves of a threshold sweep as a self-contained SVG (no scripts, no external resources).</summary>
internal static class ModerationChart
{
    private static readonly string[] Colours =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public static string PrecisionRecallSvg(ClassifierEvaluationReport report)
    {
        const int size = 420, margin = 50, legendWidth = 240;
        var inv = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size + margin * 2 + legendWidth}\" height=\"{size + margin * 2}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(inv, $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(inv, $"<text x=\"{margin}\" y=\"24\" font-size=\"14\">Precision-recall by threshold: {WebUtility.HtmlEncode(report.Classifiers)}</text>\n");
        // Axes and grid: recall on x, precision on y, 0..1.
        for (int i = 0; i <= 10; i++)
        {
            double v = i / 10.0;
            double x = margin + v * size, y = margin + (1 - v) * size;
            svg.Append(inv, $"<line x1=\"{x:0.#}\" y1=\"{margin}\" x2=\"{x:0.#}\" y2=\"{margin + size}\" stroke=\"#eee\"/>");
            svg.Append(inv, $"<line x1=\"{margin}\" y1=\"{y:0.#}\" x2=\"{margin + size}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>\n");
            svg.Append(inv, $"<text x=\"{x:0.#}\" y=\"{margin + size + 16}\" text-anchor=\"middle\">{v:0.0}</text>");
            svg.Append(inv, $"<text x=\"{margin - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.0}</text>\n");
        }
        svg.Append(inv, $"<rect x=\"{margin}\" y=\"{margin}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#333\"/>\n");
        svg.Append(inv, $"<text x=\"{margin + size / 2}\" y=\"{margin + size + 36}\" text-anchor=\"middle\">recall</text>\n");
        svg.Append(inv, $"<text x=\"14\" y=\"{margin + size / 2}\" transform=\"rotate(-90 14 {margin + size / 2})\" text-anchor=\"middle\">precision</text>\n");

        int index = 0;
        foreach (var (category, points) in report.Sweep.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            string colour = Colours[index % Colours.Length];
            string dash = index >= Colours.Length ? " stroke-dasharray=\"5,3\"" : "";
            string path = string.Join(" ", points.OrderBy(p => p.Recall).ThenByDescending(p => p.Precision)
                .Select(p => string.Create(inv, $"{margin + p.Recall * size:0.#},{margin + (1 - p.Precision) * size:0.#}")));
            svg.Append(inv, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.6\"{dash}/>\n");
            double ly = margin + 8 + index * 16;
            svg.Append(inv, $"<line x1=\"{margin + size + 20}\" y1=\"{ly:0.#}\" x2=\"{margin + size + 40}\" y2=\"{ly:0.#}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>");
            svg.Append(inv, $"<text x=\"{margin + size + 46}\" y=\"{ly + 4:0.#}\">{WebUtility.HtmlEncode(category)}</text>\n");
            index++;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
