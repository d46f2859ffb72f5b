using System.Globalization;
using System.Text.RegularExpressions;

namespace Tailor.Cli;

/// <summary>Durations on the command line: a number and a unit, <c>90s</c>, <c>15m</c>, <c>12h</c>, <c>30d</c>, <c>2w</c>.</summary>
internal static partial class CliDurations
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static TimeSpan Parse(string text, string option)
    {
        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            throw new CliException($"{option}: '{text}' is not a duration", "write a number and a unit: 90s, 15m, 12h, 30d, 2w");
        }

        double amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value.ToLowerInvariant() switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(amount * 7),
        };
    }
}
