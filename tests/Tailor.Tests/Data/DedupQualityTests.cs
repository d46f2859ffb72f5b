using System.Globalization;
using System.Text;
using Tailor.Data.Dedup;

namespace Tailor.Tests.Data;

/// <summary>
/// The quality bar on a generated corpus with planted near-duplicates at known Jaccard
/// similarity: with the default settings, recall at least 0.95 for pairs with J >= 0.85 and at
/// most 1% of pairs with J <= 0.5 flagged.
/// </summary>
public sealed class DedupQualityTests
{
    private static readonly double[] Levels = [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.92, 0.97];

    [Fact]
    public void Default_settings_find_near_duplicates_above_085_and_leave_pairs_below_05()
    {
        var corpus = PlantedDuplicates.Generate(seed: 7, pairsPerLevel: 300, Levels, background: 2_000);
        byte[] file = Encoding.UTF8.GetBytes(string.Join('\n', corpus.Lines) + "\n");

        var plan = Deduplicator.Plan(new MemoryStream(file), new DedupOptions());

        var removedFrom = plan.Clusters.SelectMany(c => c.Removed.Select(r => (r.Line, c.KeptLine))).ToDictionary(x => x.Line, x => x.KeptLine);
        bool Flagged(PlantedDuplicates.Pair pair) => removedFrom.TryGetValue(pair.VariantLine, out long kept) && kept == pair.BaseLine;

        var table = new StringBuilder("J bin | pairs | recall\n");
        foreach (var bin in corpus.Pairs.GroupBy(p => Math.Floor(p.Jaccard * 20) / 20).OrderBy(g => g.Key))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"{bin.Key:0.00} | {bin.Count()} | {bin.Count(Flagged) / (double)bin.Count():0.000}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine(table.ToString());

        var high = corpus.Pairs.Where(p => p.Jaccard >= 0.85).ToList();
        var low = corpus.Pairs.Where(p => p.Jaccard <= 0.5).ToList();
        Assert.True(high.Count > 300 && low.Count > 500, "the corpus has enough pairs at both ends");
        double recall = high.Count(Flagged) / (double)high.Count;
        double falseRate = low.Count(Flagged) / (double)low.Count;
        Assert.True(recall >= 0.95, $"recall at J >= 0.85 is {recall:0.000}\n{table}");
        Assert.True(falseRate <= 0.01, $"{falseRate:P2} of pairs at J <= 0.5 flagged\n{table}");

        // Nothing unrelated is merged: every removed line is a planted variant of the line kept.
        var variants = corpus.Pairs.ToDictionary(p => (long)p.VariantLine, p => (long)p.BaseLine);
        Assert.All(removedFrom, r => Assert.Equal(variants.GetValueOrDefault(r.Key, -1), r.Value));
    }

    [Fact]
    public async Task Exact_duplicates_differing_only_in_case_spacing_and_punctuation_are_removed_and_every_line_lands_somewhere()
    {
        string a = """{"messages":[{"role":"user","content":"How do I reset my password?"},{"role":"assistant","content":"Open Settings, then Security."}]}""";
        string b = """{"messages":[{"role":"user","content":"how do i reset my  password"},{"role":"assistant","content":"open settings then security!"}]}""";
        string c = """{"messages":[{"role":"user","content":"Where is my invoice?"},{"role":"assistant","content":"Under Billing."}]}""";
        byte[] file = Encoding.UTF8.GetBytes(string.Join('\n', a, "not json", b, c, a) + "\n");

        var plan = Deduplicator.Plan(new MemoryStream(file));
        using var kept = new MemoryStream();
        using var removed = new MemoryStream();
        var (keptCount, removedCount) = await Deduplicator.ApplyAsync(new MemoryStream(file), plan, kept, removed, TestContext.Current.CancellationToken);

        Assert.Equal(2, plan.ExactRemoved);
        Assert.Equal(1, plan.Unreadable);
        var cluster = Assert.Single(plan.Clusters);
        Assert.Equal(1, cluster.KeptLine);
        Assert.Equal([3L, 5L], cluster.Removed.Select(r => r.Line));
        Assert.Equal((3, 2), (keptCount, removedCount));
        Assert.Equal(string.Join('\n', a, "not json", c) + "\n", Encoding.UTF8.GetString(kept.ToArray()));
        Assert.Equal(string.Join('\n', b, a) + "\n", Encoding.UTF8.GetString(removed.ToArray()));
    }

    [Theory]
    [InlineData(KeepPolicy.First, 1L)]
    [InlineData(KeepPolicy.Longest, 2L)]
    [InlineData(KeepPolicy.BestRated, 3L)]
    public void The_keep_policy_chooses_which_duplicate_stays(KeepPolicy policy, long expectedKept)
    {
        string Line(string answer, int rating) =>
            $$$"""{"messages":[{"role":"user","content":"What plans do you offer for small teams of five people?"},{"role":"assistant","content":"{{{answer}}}"}],"metadata":{"rating":{{{rating}}}}}""";
        string text = string.Join('\n',
            Line("We offer Starter and Team plans for small teams.", 2),
            Line("We offer Starter and Team plans for small teams, billed monthly.", 1),
            Line("We offer Starter and Team plans for small teams!", 5));

        var plan = Deduplicator.Plan(new MemoryStream(Encoding.UTF8.GetBytes(text)), new DedupOptions { Keep = policy, Lsh = new LshParameters { Threshold = 0.5 } });

        var cluster = Assert.Single(plan.Clusters);
        Assert.Equal(expectedKept, cluster.KeptLine);
        Assert.Equal(2, cluster.Removed.Count);
    }

    [Fact]
    public void The_candidate_probability_follows_the_banding_formula()
    {
        var lsh = new LshParameters();
        Assert.Equal(8, lsh.Rows);
        Assert.InRange(lsh.CandidateProbability(0.85), 0.99, 1.0);
        Assert.InRange(lsh.CandidateProbability(0.5), 0.05, 0.07);
    }
}
