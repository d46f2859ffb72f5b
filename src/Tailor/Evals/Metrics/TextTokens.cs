using System.Globalization;
using System.Text;

namespace Tailor.Evals.Metrics;

/// <summary>
/// The word tokenizer the text metrics share: lowercase, split on anything that is not a letter or a
/// digit (the convention of <c>rouge_score</c> and of SQuAD's F1). Stateless and thread-safe.
/// </summary>
public static class TextTokens
{
    /// <summary>Lowercased runs of letters and digits, in order.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>SQuAD's answer normalisation: <see cref="Words"/> without the articles a, an, the.</summary>
    public static IReadOnlyList<string> SquadWords(string text) =>
        Words(text).Where(w => w is not ("a" or "an" or "the")).ToList();

    internal static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
