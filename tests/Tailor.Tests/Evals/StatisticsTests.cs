using Tailor.Evals.Statistics;

namespace Tailor.Tests.Evals;

/// <summary>Agreement, correlation and bootstrap statistics against published values and simulated coverage.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void Cohens_kappa_reproduces_the_textbook_two_by_two_example()
    {
        // 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o = 0.7, p_e = 0.5, kappa = 0.4.
        var pairs = new List<(string, string)>();
        pairs.AddRange(Enumerable.Repeat(("yes", "yes"), 20));
        pairs.AddRange(Enumerable.Repeat(("yes", "no"), 5));
        pairs.AddRange(Enumerable.Repeat(("no", "yes"), 10));
        pairs.AddRange(Enumerable.Repeat(("no", "no"), 15));

        Assert.Equal(0.4, CohensKappa.Compute(pairs), 12);
    }

    [Fact]
    public void Cohens_kappa_is_one_for_perfect_agreement_and_nan_without_items()
    {
        Assert.Equal(1.0, CohensKappa.Compute([("a", "a"), ("b", "b"), ("a", "a")]), 12);
        Assert.True(double.IsNaN(CohensKappa.Compute([])));
    }

    [Fact]
    public void Krippendorffs_alpha_reproduces_the_binary_two_observer_example()
    {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A: alpha = 0.095.
        double[] a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        double[] b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        var units = a.Zip(b, (x, y) => (IReadOnlyList<double>)[x, y]);

        Assert.Equal(0.095, KrippendorffAlpha.Compute(units, AlphaLevel.Nominal), 3);
    }

    // Krippendorff (2011), section C: four observers, twelve units, missing values.
    private static readonly double?[][] FourObservers =
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
        [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];

    private static IEnumerable<IReadOnlyList<double>> Units() =>
        Enumerable.Range(0, 12).Select(u => (IReadOnlyList<double>)FourObservers.Select(o => o[u]).OfType<double>().ToList());

    [Theory]
    [InlineData(AlphaLevel.Nominal, 0.743)]
    [InlineData(AlphaLevel.Ordinal, 0.815)]
    [InlineData(AlphaLevel.Interval, 0.849)]
    public void Krippendorffs_alpha_reproduces_the_four_observer_example_with_missing_values(AlphaLevel level, double expected)
    {
        Assert.Equal(expected, KrippendorffAlpha.Compute(Units(), level), 3);
    }

    [Fact]
    public void Rank_correlations_handle_ties()
    {
        double[] x = [1, 2, 3, 4, 5];
        Assert.Equal(1.0, Correlation.Spearman(x, [2, 4, 6, 8, 10]), 12);
        Assert.Equal(-1.0, Correlation.KendallTauB(x, [5, 4, 3, 2, 1]), 12);
        Assert.Equal([1.5, 1.5, 3], Correlation.Ranks([7, 7, 9]));
        // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> tau-b = -0.47140452079103173
        Assert.Equal(-0.47140452079103173, Correlation.KendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), 12);
        Assert.True(double.IsNaN(Correlation.Pearson([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public void Bootstrap_interval_is_exactly_repeatable_with_a_seed_and_brackets_the_mean()
    {
        double[] values = [0, 1, 1, 0, 1, 1, 1, 0, 1, 1];
        var first = Bootstrap.Mean(values, 0.95, new Random(7));
        var second = Bootstrap.Mean(values, 0.95, new Random(7));

        Assert.Equal(first, second);
        Assert.Equal(0.7, first.Estimate, 12);
        Assert.True(first.Lower < 0.7 && first.Upper > 0.7);
        Assert.InRange(first.Lower, 0.3, 0.6);
        Assert.Equal(10, first.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bootstrap_95_percent_interval_covers_the_true_mean_about_95_percent_of_the_time(bool bernoulli)
    {
        // 1,000 synthetic samples of 60 values each, from a known distribution; count how often the
        // interval contains the true mean. Percentile intervals run slightly narrow at small n.
        var random = new Random(20240601);
        const int trials = 1000;
        const int n = 60;
        double trueMean = bernoulli ? 0.8 : 3.0;
        int covered = 0;
        for (int t = 0; t < trials; t++)
        {
            var sample = new double[n];
            for (int i = 0; i < n; i++)
            {
                sample[i] = bernoulli ? (random.NextDouble() < trueMean ? 1 : 0) : trueMean + Gaussian(random);
            }

            var interval = Bootstrap.Mean(sample, 0.95, random, resamples: 1000);
            if (interval.Lower <= trueMean && trueMean <= interval.Upper)
            {
                covered++;
            }
        }

        double coverage = (double)covered / trials;
        Assert.InRange(coverage, 0.925, 0.97);
    }

    [Fact]
    public void One_sided_lower_bound_holds_about_95_percent_of_the_time()
    {
        var random = new Random(99);
        int held = 0;
        const int trials = 1000;
        for (int t = 0; t < trials; t++)
        {
            var sample = Enumerable.Range(0, 50).Select(_ => Gaussian(random)).ToArray();
            if (Bootstrap.LowerBound(sample, 0.95, random, resamples: 1000).Lower <= 0)
            {
                held++;
            }
        }

        Assert.InRange((double)held / trials, 0.925, 0.97);
    }

    [Fact]
    public void Percentile_interpolates_like_numpy()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(2.5, Bootstrap.Percentile(sorted, 0.5), 12);
        Assert.Equal(1.3, Bootstrap.Percentile(sorted, 0.1), 12);
        Assert.Equal(4, Bootstrap.Percentile(sorted, 1), 12);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
