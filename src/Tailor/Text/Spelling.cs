namespace Tailor.Text;

/// <summary>"Did you mean" suggestions: the closest known word, only when it is close.</summary>
internal static class Spelling
{
    /// <summary>
    /// The candidate <paramref name="input"/> most likely meant, or null. Case, '-' and '_' are
    /// ignored first (<c>Self-Harm</c> finds <c>self_harm</c>); otherwise the candidate with the
    /// smallest edit distance wins when that distance is at most a third of the word (at least 1).
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string normalized = Normalize(input);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            string other = Normalize(candidate);
            if (other == normalized)
            {
                return candidate;
            }

            int distance = Distance(normalized, other);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        int allowed = Math.Max(1, normalized.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps each cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>"did you mean 'x'?" when there is a close candidate; otherwise the list of valid words.</summary>
    public static string Suggest(string input, IReadOnlyCollection<string> candidates, string listLabel = "expected one of")
    {
        if (Closest(input, candidates) is { } match)
        {
            return $"did you mean '{match}'?";
        }

        return candidates.Count == 0 ? "none are defined" : $"{listLabel}: {string.Join(", ", candidates)}";
    }

    private static string Normalize(string word) =>
        word.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
}
