using System.Globalization;
using System.Text.Json;

namespace Tailor.Tuning.Export;

/// <summary>Scalars for the YAML files Tailor writes: strings double-quoted (JSON escapes are valid YAML), numbers invariant.</summary>
internal static class YamlText
{
    public static string Quote(string value) => JsonSerializer.Serialize(value, TuningJson.Options);

    public static string Number(double value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    public static string Flag(bool value) => value ? "true" : "false";
}
