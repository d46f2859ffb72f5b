using Tailor.Gateway.Routing;
using Tailor.Spec;

namespace Tailor.Tests.Gateway;

public sealed class TrafficSplitTests
{
    [Fact]
    public void A_sticky_split_keeps_each_key_on_one_side_and_sends_about_the_asked_share_to_the_canary()
    {
        var canary = new CanarySpec { Model = "candidate", Percent = 20 };
        var keys = Enumerable.Range(0, 5000).Select(i => $"key{i}").ToList();

        var first = keys.Select(k => TrafficSplit.ChoosesCanary(canary, "support", k, null, new Random(1))).ToList();
        var again = keys.Select(k => TrafficSplit.ChoosesCanary(canary, "support", k, null, new Random(2))).ToList();
        double share = first.Count(c => c) / (double)keys.Count;

        Assert.Equal(first, again);
        Assert.InRange(share, 0.17, 0.23);
    }

    [Fact]
    public void Raising_the_percentage_only_moves_callers_towards_the_canary()
    {
        var keys = Enumerable.Range(0, 2000).Select(i => $"user{i}").ToList();
        var at10 = keys.Where(k => TrafficSplit.ChoosesCanary(new CanarySpec { Model = "c", Percent = 10, Sticky = StickyBy.User }, "r", "key", k, Random.Shared)).ToHashSet();
        var at30 = keys.Where(k => TrafficSplit.ChoosesCanary(new CanarySpec { Model = "c", Percent = 30, Sticky = StickyBy.User }, "r", "key", k, Random.Shared)).ToHashSet();

        Assert.Subset(at30, at10);
        Assert.True(at30.Count > at10.Count);
    }

    [Fact]
    public void Zero_and_a_hundred_percent_are_exact_and_a_non_sticky_split_draws_from_the_random_source()
    {
        Assert.False(TrafficSplit.ChoosesCanary(new CanarySpec { Model = "c", Percent = 0 }, "r", "k", null, Random.Shared));
        Assert.True(TrafficSplit.ChoosesCanary(new CanarySpec { Model = "c", Percent = 100 }, "r", "k", null, Random.Shared));
        var loose = new CanarySpec { Model = "c", Percent = 50, Sticky = StickyBy.None };
        var draws = Enumerable.Range(0, 200).Select(_ => TrafficSplit.ChoosesCanary(loose, "r", "same-key", null, new Random(7))).Distinct().Count();
        var varied = new Random(7);
        Assert.Equal(1, draws);
        Assert.Equal(2, Enumerable.Range(0, 200).Select(_ => TrafficSplit.ChoosesCanary(loose, "r", "same-key", null, varied)).Distinct().Count());
    }
}
