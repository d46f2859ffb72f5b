namespace Tailor.Evals.Metrics;

/// <summary>How <see cref="Bleu"/> treats an n-gram order with no match (Chen and Cherry, 2014).</summary>
public enum BleuSmoothing
{
    /// <summary>Papineni et al.'s original: any order without a match makes the score 0.</summary>
    None,

    /// <summary>NLTK's method 1: a zero precision count becomes 0.1.</summary>
    Epsilon,

    /// <summary>NLTK's method 4 (the default of Microsoft.Extensions.AI.Evaluation's BLEU): shorter hypotheses get more smoothing.</summary>
    Method4,
}

/// <summary>
/// Sentence BLEU (Papineni et al., 2002): the geometric mean of clipped n-gram precisions against
/// one or more references, times a brevity penalty against the reference closest in length.
/// With <see cref="BleuSmoothing.None"/> it reproduces NLTK's <c>sentence_bleu</c> exactly.
/// </summary>
/// <remarks>Stateless and thread-safe. Tokens are compared ordinally (tokenize and case-fold before).</remarks>
public static class Bleu
{
    /// <summary>BLEU in [0, 1] of <paramref name="hypothesis"/> against <paramref name="references"/>, n-grams 1..<paramref name="maxOrder"/> with uniform weights.</summary>
    public static double Sentence(
        IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis,
        int maxOrder = 4, BleuSmoothing smoothing = BleuSmoothing.None)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOrder, 1);
        if (hypothesis.Count == 0 || references.Count == 0)
        {
            return 0;
        }

        var numerators = new double[maxOrder];
        var denominators = new double[maxOrder];
        for (int n = 1; n <= maxOrder; n++)
        {
            (numerators[n - 1], denominators[n - 1]) = ModifiedPrecision(references, hypothesis, n);
        }

        // NLTK: no unigram match at all is a score of 0, whatever the smoothing.
        if (numerators[0] == 0)
        {
            return 0;
        }

        int hypLength = hypothesis.Count;
        var precisions = new double[maxOrder];
        int increment = 1;
        for (int i = 0; i < maxOrder; i++)
        {
            double p = denominators[i] == 0 ? 0 : numerators[i] / denominators[i];
            if (numerators[i] == 0)
            {
                switch (smoothing)
                {
                    case BleuSmoothing.Epsilon when denominators[i] > 0:
                        p = 0.1 / denominators[i];
                        break;
                    case BleuSmoothing.Method4 when hypLength > 1 && denominators[i] > 0:
                        p = 1.0 / (Math.Pow(2, increment) * 5 / Math.Log(hypLength)) / denominators[i];
                        increment++;
                        break;
                    default:
                        return 0;
                }
            }

            precisions[i] = p;
        }

        double logSum = 0;
        foreach (double p in precisions)
        {
            logSum += Math.Log(p) / maxOrder;
        }

        return BrevityPenalty(references, hypLength) * Math.Exp(logSum);
    }

    private static (double Clipped, double Total) ModifiedPrecision(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis, int n)
    {
        Dictionary<NGram, int> counts = Count(hypothesis, n);
        if (counts.Count == 0)
        {
            return (0, 0);
        }

        var maxReference = new Dictionary<NGram, int>();
        foreach (IReadOnlyList<string> reference in references)
        {
            foreach (var (gram, count) in Count(reference, n))
            {
                if (counts.ContainsKey(gram) && (!maxReference.TryGetValue(gram, out int seen) || count > seen))
                {
                    maxReference[gram] = count;
                }
            }
        }

        double clipped = 0;
        double total = 0;
        foreach (var (gram, count) in counts)
        {
            clipped += Math.Min(count, maxReference.GetValueOrDefault(gram));
            total += count;
        }

        return (clipped, total);
    }

    private static double BrevityPenalty(IReadOnlyList<IReadOnlyList<string>> references, int hypLength)
    {
        // The reference closest in length; on a tie the shorter one (NLTK's rule).
        int closest = references.Select(r => r.Count).OrderBy(len => Math.Abs(len - hypLength)).ThenBy(len => len).First();
        return hypLength > closest ? 1 : hypLength == 0 ? 0 : Math.Exp(1 - (double)closest / hypLength);
    }

    private static Dictionary<NGram, int> Count(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<NGram, int>();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            var gram = new NGram(tokens, i, n);
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }

        return counts;
    }

    /// <summary>A window of a token list, compared by content.</summary>
    private readonly struct NGram(IReadOnlyList<string> tokens, int start, int length) : IEquatable<NGram>
    {
        public bool Equals(NGram other)
        {
            if (length != other.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (!string.Equals(tokens[start + i], other.Tokens[other.Start + i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        private IReadOnlyList<string> Tokens => tokens;
        private int Start => start;
        private int Length => length;

        public override bool Equals(object? obj) => obj is NGram other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            for (int i = 0; i < length; i++)
            {
                hash.Add(tokens[start + i], StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
