using Tailor.Moderation;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Tests.Moderation;

/// <summary>Policies compiled into actions: the strictest wins, refusals come from the first blocking policy, routes override.</summary>
public sealed class ModerationPolicyTests
{
    private static Policy P(string id, PolicyAction input, PolicyAction output, string? refusal = null, params string[] categories) =>
        new() { Id = id, Description = id, Categories = categories, Input = input, Output = output, Refusal = refusal };

    [Fact]
    public void The_strictest_action_wins_when_two_policies_cover_a_category()
    {
        var policy = new ModerationPolicy(
        [
            P("log-crime", PolicyAction.Flag, PolicyAction.Flag, null, ModerationCategories.NonViolentCrimes),
            P("no-crime-help", PolicyAction.Allow, PolicyAction.Block, "I can't help with crimes.", ModerationCategories.NonViolentCrimes),
            P("mask", PolicyAction.Redact, PolicyAction.Redact, null, ModerationCategories.NonViolentCrimes),
        ]);

        var input = policy.Decide(ModerationCategories.NonViolentCrimes, ModerationDirection.Input);
        var output = policy.Decide(ModerationCategories.NonViolentCrimes, ModerationDirection.Output);

        Assert.Equal(PolicyAction.Redact, input.Action);
        Assert.Null(input.Refusal);
        Assert.Equal(PolicyAction.Block, output.Action);
        Assert.Equal("I can't help with crimes.", output.Refusal);
        Assert.Equal(["log-crime", "no-crime-help", "mask"], output.PolicyIds);
    }

    [Fact]
    public void The_refusal_comes_from_the_first_blocking_policy_or_the_default()
    {
        var policy = new ModerationPolicy(
        [
            P("a", PolicyAction.Block, PolicyAction.Flag, null, ModerationCategories.Hate),
            P("b", PolicyAction.Block, PolicyAction.Flag, "Not here.", ModerationCategories.Hate),
        ]);
        Assert.Equal(ModerationPolicy.DefaultRefusal, policy.Decide(ModerationCategories.Hate, ModerationDirection.Input).Refusal);
    }

    [Fact]
    public void A_category_no_policy_names_is_flagged()
    {
        var decision = new ModerationPolicy([]).Decide(ModerationCategories.Sexual, ModerationDirection.Output);
        Assert.Equal(PolicyAction.Flag, decision.Action);
        Assert.Empty(decision.PolicyIds);
    }

    [Fact]
    public void Routes_replace_a_policys_actions_and_switch_sides_off()
    {
        var routes = new Dictionary<string, ModerationRouteSpec>
        {
            ["internal"] = new()
            {
                Input = false,
                Policies = new Dictionary<string, PolicyActionOverride> { ["no-pii"] = new() { Output = PolicyAction.Flag } },
            },
        };
        var policy = new ModerationPolicy([P("no-pii", PolicyAction.Redact, PolicyAction.Redact, null, ModerationCategories.Privacy)], routes: routes);

        Assert.Equal(PolicyAction.Redact, policy.Decide(ModerationCategories.Privacy, ModerationDirection.Output).Action);
        Assert.Equal(PolicyAction.Flag, policy.Decide(ModerationCategories.Privacy, ModerationDirection.Output, "internal").Action);
        Assert.Equal(PolicyAction.Redact, policy.Decide(ModerationCategories.Privacy, ModerationDirection.Input, "internal").Action);
        Assert.False(policy.IsEnabled(ModerationDirection.Input, "internal"));
        Assert.True(policy.IsEnabled(ModerationDirection.Input, "other"));
        Assert.Equal(PolicyAction.Redact, policy.Decide(ModerationCategories.Privacy, ModerationDirection.Output, "unknown-route").Action);
    }

    [Theory]
    [InlineData(PolicyAction.Allow, PolicyAction.Flag, PolicyAction.Flag)]
    [InlineData(PolicyAction.Block, PolicyAction.Redact, PolicyAction.Block)]
    [InlineData(PolicyAction.Redact, PolicyAction.Flag, PolicyAction.Redact)]
    public void Strictness_orders_block_redact_flag_allow(PolicyAction a, PolicyAction b, PolicyAction expected)
    {
        Assert.Equal(expected, PolicyActionStrictness.Strictest(a, b));
        Assert.Equal(expected, PolicyActionStrictness.Strictest(b, a));
    }
}
