using Tailor.Moderation;
using Tailor.Moderation.Detectors;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Tests.Moderation;

/// <summary>How classifier results combine into findings and a verdict: thresholds, combine modes, failures, redaction.</summary>
public sealed class ModeratorTests
{
    /// <summary>A classifier that always says the same thing (our own component under test is the Moderator, not this).</summary>
    private sealed class Fixed(string name, IReadOnlyList<string>? flagged, params (string Category, double Score)[] scores) : IModerationClassifier
    {
        public string Name => name;

        public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new ModerationResult
            {
                Classifier = name,
                Scores = [.. scores.Select(s => new CategoryScore(s.Category, s.Score))],
                Flagged = flagged,
            });
    }

    private sealed class Failing : IModerationClassifier
    {
        public string Name => "vendor";

        public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("connection refused");
    }

    private static readonly Policy NoHate = new() { Id = "no-hate", Description = "d", Categories = [ModerationCategories.Hate], Input = PolicyAction.Block, Refusal = "No." };
    private static readonly ModerationRequest Input = new("some text", ModerationDirection.Input);

    [Fact]
    public async Task Any_mode_uses_each_classifiers_own_judgement_unless_a_threshold_is_set()
    {
        var own = new Fixed("vendor", [ModerationCategories.Hate], (ModerationCategories.Hate, 0.3));
        var scoresOnly = new Fixed("scores", null, (ModerationCategories.Hate, 0.45));

        var byOwn = await new Moderator([new(own), new(scoresOnly)], new ModerationPolicy([NoHate])).ModerateAsync(Input);
        var finding = Assert.Single(byOwn.Findings);
        Assert.Equal(["vendor"], finding.Classifiers); // 0.45 is under the default 0.5 for a classifier without its own judgement
        Assert.Equal(PolicyAction.Block, byOwn.Action);
        Assert.Equal("No.", byOwn.Refusal);

        var strict = new Moderator([new(own), new(scoresOnly)], new ModerationPolicy([NoHate]), new ModeratorOptions { Thresholds = new Dictionary<string, double> { [ModerationCategories.Hate] = 0.4 } });
        var both = Assert.Single((await strict.ModerateAsync(Input)).Findings);
        Assert.Equal(["scores"], both.Classifiers); // the layer's 0.4 overrides the vendor's own flag (0.3 < 0.4)

        var perClassifier = new Moderator([new(own, new Dictionary<string, double> { [ModerationCategories.Hate] = 0.2 }), new(scoresOnly)], new ModerationPolicy([NoHate]),
            new ModeratorOptions { Thresholds = new Dictionary<string, double> { [ModerationCategories.Hate] = 0.9 } });
        Assert.Equal(["vendor"], Assert.Single((await perClassifier.ModerateAsync(Input)).Findings).Classifiers);
    }

    [Fact]
    public async Task A_routes_thresholds_win_over_the_layers_on_that_route_only()
    {
        var scores = new Fixed("scores", null, (ModerationCategories.Hate, 0.45));
        var policy = new ModerationPolicy([NoHate], routes: new Dictionary<string, ModerationRouteSpec>
        {
            ["strict"] = new() { Thresholds = new Dictionary<string, double> { [ModerationCategories.Hate] = 0.4 } },
            ["lenient"] = new() { Thresholds = new Dictionary<string, double> { [ModerationCategories.Violence] = 0.1 } },
        });
        var moderator = new Moderator([new(scores)], policy, new ModeratorOptions { Thresholds = new Dictionary<string, double> { [ModerationCategories.Hate] = 0.6 } });

        // Twice each, in turns: the thresholds worked out for one route must not leak into another.
        for (int round = 0; round < 2; round++)
        {
            Assert.Equal(0.4, Assert.Single((await moderator.ModerateAsync(Input, "strict")).Findings).Threshold);
            Assert.Empty((await moderator.ModerateAsync(Input, "lenient")).Findings); // its own thresholds name another category
            Assert.Empty((await moderator.ModerateAsync(Input, "other")).Findings);
            Assert.Empty((await moderator.ModerateAsync(Input)).Findings);
        }
    }

    [Fact]
    public async Task A_category_named_by_an_equal_string_counts_like_the_constant()
    {
        // A vendor's answer is parsed into new strings, not the constants; the category must still be found.
        string parsed = new(ModerationCategories.Hate.AsSpan());
        Assert.False(ReferenceEquals(parsed, ModerationCategories.Hate));
        var vendor = new Fixed("vendor", [parsed], (parsed, 0.8));
        var finding = Assert.Single((await new Moderator([new(vendor)], new ModerationPolicy([NoHate])).ModerateAsync(Input)).Findings);
        Assert.Equal(ModerationCategories.Hate, finding.Category);
        Assert.Equal(0.8, finding.Score);
    }

    [Fact]
    public async Task Max_mode_compares_the_highest_score_with_one_threshold()
    {
        var a = new Fixed("a", [ModerationCategories.Hate], (ModerationCategories.Hate, 0.3));
        var b = new Fixed("b", null, (ModerationCategories.Hate, 0.55));
        var moderator = new Moderator([new(a), new(b)], new ModerationPolicy([NoHate]), new ModeratorOptions { Combine = ModerationCombineMode.Max });
        var finding = Assert.Single((await moderator.ModerateAsync(Input)).Findings);
        Assert.Equal(0.55, finding.Score);
        Assert.Equal(0.5, finding.Threshold);
        Assert.Equal(["b"], finding.Classifiers);

        var higher = new Moderator([new(a), new(b)], new ModerationPolicy([NoHate]), new ModeratorOptions { Combine = ModerationCombineMode.Max, Thresholds = new Dictionary<string, double> { [ModerationCategories.Hate] = 0.6 } });
        Assert.Empty((await higher.ModerateAsync(Input)).Findings);
    }

    [Fact]
    public async Task A_failing_classifier_is_recorded_and_blocks_only_when_asked()
    {
        var ok = new Fixed("ok", []);
        var open = await new Moderator([new(new Failing()), new(ok)], new ModerationPolicy([])).ModerateAsync(Input);
        Assert.Equal(PolicyAction.Allow, open.Action);
        Assert.False(open.IsClean);
        Assert.Equal("vendor: connection refused", Assert.Single(open.Errors));

        var closed = await new Moderator([new(new Failing()), new(ok)], new ModerationPolicy([]), new ModeratorOptions { BlockOnError = true }).ModerateAsync(Input);
        Assert.Equal(PolicyAction.Block, closed.Action);
        Assert.Equal(ModerationPolicy.DefaultRefusal, closed.Refusal);
        Assert.Contains("block_on_error", closed.Escalation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redact_replaces_the_detectors_spans()
    {
        var noPii = new Policy { Id = "no-pii", Description = "d", Categories = [ModerationCategories.Privacy, ModerationCategories.Secrets], Input = PolicyAction.Redact };
        var moderator = new Moderator([new(new DetectorClassifier())], new ModerationPolicy([noPii]));
        const string text = "Mail anna@example.com or call +44 20 7946 0958, key sk-proj-4bXk9QwErTyUiOpAsDfGhJkL1234";

        var verdict = await moderator.ModerateAsync(new ModerationRequest(text, ModerationDirection.Input));

        Assert.Equal(PolicyAction.Redact, verdict.Action);
        Assert.Equal("Mail [REDACTED:email] or call [REDACTED:phone], key [REDACTED:api_key]", verdict.Redact(text));
        Assert.Equal(3, verdict.Redactions.Count);
    }

    [Fact]
    public async Task Redact_without_anything_to_point_at_becomes_block()
    {
        var noPii = new Policy { Id = "no-pii", Description = "d", Categories = [ModerationCategories.Privacy], Input = PolicyAction.Redact };
        var classifierWithoutSpans = new Fixed("local", [ModerationCategories.Privacy], (ModerationCategories.Privacy, 0.9));
        var verdict = await new Moderator([new(classifierWithoutSpans)], new ModerationPolicy([noPii])).ModerateAsync(Input);
        Assert.Equal(PolicyAction.Block, verdict.Action);
        Assert.Equal(ModerationPolicy.DefaultRefusal, verdict.Refusal);
        Assert.Contains("nothing to point at", verdict.Escalation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verdict_serialises_without_the_text()
    {
        var moderator = new Moderator([new(new DetectorClassifier())], new ModerationPolicy([]));
        var verdict = await moderator.ModerateAsync(new ModerationRequest("my email is anna@example.com", ModerationDirection.Output));
        var json = verdict.ToJson();
        Assert.Equal("output", json.GetProperty("direction").GetString());
        Assert.Equal("flag", json.GetProperty("action").GetString());
        Assert.Equal("privacy", json.GetProperty("findings")[0].GetProperty("category").GetString());
        Assert.DoesNotContain("anna@example.com", json.GetRawText(), StringComparison.Ordinal);
    }
}
