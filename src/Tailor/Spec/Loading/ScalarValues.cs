using System.Globalization;
using System.Text.RegularExpressions;
using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads typed values out of scalars under the YAML 1.2 core schema: only an unquoted scalar is a
/// number or a boolean, and only <c>true</c>/<c>false</c> are booleans (<c>yes</c> is text).
/// </summary>
internal static partial class ScalarValues
{
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Integer();

    [GeneratedRegex(@"^(?:([0-9]+(?:\.[0-9]+)?)(ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    public static bool TryBool(SourceScalar scalar, out bool value)
    {
        value = scalar.Value is "true" or "True" or "TRUE";
        return scalar.IsPlain && (value || scalar.Value is "false" or "False" or "FALSE");
    }

    /// <summary>Words YAML 1.1 read as booleans; we say how to write them instead of guessing.</summary>
    public static bool LooksLikeOldBool(SourceScalar scalar) =>
        scalar.Value.ToLowerInvariant() is "yes" or "no" or "on" or "off" or "y" or "n";

    public static bool TryNumber(SourceScalar scalar, out double value)
    {
        value = 0;
        return scalar.IsPlain && Number().IsMatch(scalar.Value)
            && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    public static bool TryInteger(SourceScalar scalar, out long value)
    {
        value = 0;
        return scalar.IsPlain && Integer().IsMatch(scalar.Value)
            && long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A number is seconds; text is one or more number+unit pairs: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h30m</c>.</summary>
    public static bool TryDuration(SourceScalar scalar, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (TryNumber(scalar, out double seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        Match match = Duration().Match(scalar.Value.Trim());
        if (!match.Success)
        {
            return false;
        }

        double milliseconds = 0;
        for (int i = 0; i < match.Groups[1].Captures.Count; i++)
        {
            double amount = double.Parse(match.Groups[1].Captures[i].Value, CultureInfo.InvariantCulture);
            milliseconds += match.Groups[2].Captures[i].Value switch
            {
                "ms" => amount,
                "s" => amount * 1_000,
                "m" => amount * 60_000,
                _ => amount * 3_600_000,
            };
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
