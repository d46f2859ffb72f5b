namespace Tailor.Providers;

/// <summary>"Did you mean …?" for names typed by hand (provider names in tailor.yaml).</summary>
internal static class NameSuggestions
{
    /// <summary>The candidate closest to <paramref name="typed"/> by edit distance, if it is close enough to be a typo.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var best = (Name: (string?)null, Distance: int.MaxValue);
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < best.Distance)
            {
                best = (candidate, distance);
            }
        }

        // A third of the length, at least 2: "mistal" finds "mistral", "foo" finds nothing.
        var allowed = Math.Max(2, typed.Length / 3);
        return best.Distance <= allowed ? best.Name : null;
    }

    /// <summary>Levenshtein distance with one rolling row.</summary>
    private static int EditDistance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
