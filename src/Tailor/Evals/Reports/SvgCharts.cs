using System.Globalization;
using System.Net;
using System.Text;
using Tailor.Evals.Statistics;

namespace Tailor.Evals.Reports;

/// <summary>Small inline SVG charts for the HTML report: a histogram of per-case values and bars with interval whiskers. No script, no external file.</summary>
internal static class SvgCharts
{
    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Histogram of <paramref name="values"/> in up to 10 bins between their min and max.</summary>
    public static string Histogram(IReadOnlyList<double> values, string label)
    {
        const int width = 260, height = 110, pad = 18;
        var svg = new StringBuilder($"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(label)}\">");
        if (values.Count == 0)
        {
            return svg.Append("<text x=\"10\" y=\"50\">no values</text></svg>").ToString();
        }

        double min = values.Min(), max = values.Max();
        int bins = min == max ? 1 : Math.Min(10, Math.Max(2, values.Distinct().Count()));
        var counts = new int[bins];
        foreach (double v in values)
        {
            int b = min == max ? 0 : Math.Min(bins - 1, (int)((v - min) / (max - min) * bins));
            counts[b]++;
        }

        double barWidth = (width - 2.0 * pad) / bins;
        int top = counts.Max();
        for (int b = 0; b < bins; b++)
        {
            double h = (height - 2.0 * pad) * counts[b] / top;
            double x = pad + b * barWidth;
            svg.Append($"<rect x=\"{N(x + 1)}\" y=\"{N(height - pad - h)}\" width=\"{N(barWidth - 2)}\" height=\"{N(h)}\" class=\"bar\"><title>{counts[b]} case(s)</title></rect>");
        }

        svg.Append($"<line x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - pad}\" y2=\"{height - pad}\" class=\"axis\"/>");
        svg.Append($"<text x=\"{pad}\" y=\"{height - 4}\" class=\"tick\">{N(min)}</text>");
        svg.Append($"<text x=\"{width - pad}\" y=\"{height - 4}\" class=\"tick\" text-anchor=\"end\">{N(max)}</text>");
        svg.Append($"<text x=\"{pad}\" y=\"12\" class=\"tick\">max {top}</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Horizontal bars for labelled estimates with their interval as whiskers, on a shared scale (zero marked).</summary>
    public static string Intervals(IReadOnlyList<(string Label, Interval Value, string Css)> rows)
    {
        const int width = 520, rowHeight = 26, left = 150, right = 20;
        int height = rowHeight * rows.Count + 24;
        var finite = rows.SelectMany(r => new[] { r.Value.Estimate, r.Value.Lower, r.Value.Upper }).Where(double.IsFinite).Append(0).ToList();
        double lo = finite.Min(), hi = finite.Max();
        if (hi - lo < 1e-9)
        {
            hi = lo + 1;
        }

        double X(double v) => left + (width - left - right) * (Math.Clamp(v, lo, hi) - lo) / (hi - lo);
        var svg = new StringBuilder($"<svg class=\"chart wide\" viewBox=\"0 0 {width} {height}\" role=\"img\">");
        svg.Append($"<line x1=\"{N(X(0))}\" y1=\"0\" x2=\"{N(X(0))}\" y2=\"{height - 18}\" class=\"zero\"/>");
        for (int i = 0; i < rows.Count; i++)
        {
            var (label, value, css) = rows[i];
            double y = 8 + i * rowHeight;
            svg.Append($"<text x=\"{left - 6}\" y=\"{N(y + 12)}\" text-anchor=\"end\" class=\"label\">{WebUtility.HtmlEncode(label)}</text>");
            if (!double.IsFinite(value.Estimate))
            {
                continue;
            }

            double x0 = X(Math.Min(0, value.Estimate)), x1 = X(Math.Max(0, value.Estimate));
            svg.Append($"<rect x=\"{N(x0)}\" y=\"{N(y + 2)}\" width=\"{N(Math.Max(1, x1 - x0))}\" height=\"14\" class=\"{css}\"><title>{WebUtility.HtmlEncode(label)}: {N(value.Estimate)} ({N(value.Lower)} to {N(value.Upper)})</title></rect>");
            if (double.IsFinite(value.Lower) && double.IsFinite(value.Upper))
            {
                double yc = y + 9;
                svg.Append($"<line x1=\"{N(X(value.Lower))}\" y1=\"{N(yc)}\" x2=\"{N(X(value.Upper))}\" y2=\"{N(yc)}\" class=\"whisker\"/>");
                svg.Append($"<line x1=\"{N(X(value.Lower))}\" y1=\"{N(yc - 5)}\" x2=\"{N(X(value.Lower))}\" y2=\"{N(yc + 5)}\" class=\"whisker\"/>");
                svg.Append($"<line x1=\"{N(X(value.Upper))}\" y1=\"{N(yc - 5)}\" x2=\"{N(X(value.Upper))}\" y2=\"{N(yc + 5)}\" class=\"whisker\"/>");
            }
        }

        svg.Append($"<text x=\"{left}\" y=\"{height - 4}\" class=\"tick\">{N(lo)}</text><text x=\"{width - right}\" y=\"{height - 4}\" class=\"tick\" text-anchor=\"end\">{N(hi)}</text>");
        return svg.Append("</svg>").ToString();
    }
}
