using System.Globalization;

namespace Tailor.Providers;

/// <summary>Short, human spellings of durations for messages: 60s, 1.5s, 200ms.</summary>
internal static class Durations
{
    public static string Format(TimeSpan duration) => duration.TotalSeconds >= 1
        ? duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s"
        : duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
