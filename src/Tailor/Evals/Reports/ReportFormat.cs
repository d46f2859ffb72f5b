using System.Globalization;

namespace Tailor.Evals.Reports;

/// <summary>Number formatting shared by the report writers.</summary>
internal static class ReportFormat
{
    public static string F(double value, string format = "0.###") =>
        double.IsNaN(value) ? "n/a" : double.IsPositiveInfinity(value) ? "+inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Signed(double value) => double.IsFinite(value) && value > 0 ? "+" + F(value) : F(value);

    public static string Interval(Statistics.Interval i) => $"{F(i.Lower)} to {F(i.Upper)}";

    public static string Percent(double confidence) => (confidence * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string OneLine(string text, int max = 160)
    {
        string one = text.ReplaceLineEndings(" ").Trim();
        return one.Length > max ? one[..(max - 1)] + "…" : one;
    }
}
