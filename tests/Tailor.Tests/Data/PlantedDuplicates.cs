using System.Text;
using System.Text.Json;

namespace Tailor.Tests.Data;

/// <summary>
/// A generated corpus with planted near-duplicate pairs whose exact Jaccard similarity (over the
/// same 5-word shingles the deduplicator uses) is computed, plus unrelated background examples.
/// </summary>
internal sealed class PlantedDuplicates
{
    public sealed record Pair(int BaseLine, int VariantLine, double Jaccard);

    public List<string> Lines { get; } = [];
    public List<Pair> Pairs { get; } = [];

    public static PlantedDuplicates Generate(int seed, int pairsPerLevel, double[] levels, int background, int words = 120, int shingle = 5)
    {
        var random = new Random(seed);
        var vocabulary = Enumerable.Range(0, 20_000).Select(_ => RandomWord(random)).Distinct().ToArray();
        var corpus = new PlantedDuplicates();
        string[] Document() => Enumerable.Range(0, words).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();

        foreach (double level in levels)
        {
            for (int p = 0; p < pairsPerLevel; p++)
            {
                string[] original = Document();
                string[] variant = (string[])original.Clone();
                var originalShingles = ShingleSet(original, shingle);
                double jaccard = 1;
                while (jaccard > level)
                {
                    variant[random.Next(variant.Length)] = vocabulary[random.Next(vocabulary.Length)];
                    jaccard = Jaccard(originalShingles, ShingleSet(variant, shingle));
                }
                corpus.Lines.Add(Line(original));
                corpus.Lines.Add(Line(variant));
                corpus.Pairs.Add(new Pair(corpus.Lines.Count - 1, corpus.Lines.Count, jaccard));
            }
        }
        for (int i = 0; i < background; i++)
        {
            corpus.Lines.Add(Line(Document()));
        }
        return corpus;
    }

    /// <summary>The user asks with the first third of the words, the assistant answers with the rest.</summary>
    private static string Line(string[] words)
    {
        int cut = words.Length / 3;
        return JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "user", content = string.Join(' ', words[..cut]) },
                new { role = "assistant", content = string.Join(' ', words[cut..]) },
            },
        });
    }

    private static HashSet<string> ShingleSet(string[] words, int n)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i + n <= words.Length; i++)
        {
            set.Add(string.Join(' ', words, i, n));
        }
        return set;
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        int common = a.Count(b.Contains);
        return (double)common / (a.Count + b.Count - common);
    }

    private static string RandomWord(Random random)
    {
        var word = new StringBuilder();
        int length = random.Next(3, 9);
        for (int i = 0; i < length; i++)
        {
            word.Append((char)('a' + random.Next(26)));
        }
        return word.ToString();
    }
}
