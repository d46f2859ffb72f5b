using Tailor.Moderation;
using Tailor.Moderation.Policies;
using Tailor.Spec;
using Tailor.Tests.Spec;

namespace Tailor.Tests.Moderation;

/// <summary>The moderation keys of tailor.yaml: combine, block_on_error, streaming, routes, per-classifier settings.</summary>
public sealed class ModerationSpecTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private string Spec => _project.SpecPath;

    [Fact]
    public void A_full_moderation_section_loads()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            policies:
              - id: no-pii
                description: Keep personal data out.
                categories: [privacy]
                input: redact
                output: redact
            models:
              main: { provider: openai, model: gpt-4o-mini }
              internal: { provider: openai, model: gpt-4o-mini }
            moderation:
              combine: max
              block_on_error: true
              log_redacted_input: true
              streaming:
                lookahead: 300
                check_every: 50
                context: 120
              classifiers:
                - type: detectors
                - type: local
                - type: mistral
                  model: mistral-moderation-2411
                  base_url: http://localhost:9000/v1
                  api_key_env: MY_MISTRAL_KEY
                  thresholds:
                    hate: 0.3
              routes:
                internal:
                  input: false
                  thresholds: { prompt_attack: 0.9 }
                  policies:
                    no-pii: { output: flag }
            """);

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        var moderation = result.Spec!.Moderation;
        Assert.Equal(ModerationCombineMode.Max, moderation.Combine);
        Assert.True(moderation.BlockOnError);
        Assert.True(moderation.LogRedactedInput);
        Assert.Equal((300, 50, 120), (moderation.Streaming.Lookahead, moderation.Streaming.CheckEvery, moderation.Streaming.Context));
        Assert.Null(moderation.Classifiers[1].Path); // local without path: the shipped model
        var mistral = moderation.Classifiers[2];
        Assert.Equal(new Uri("http://localhost:9000/v1"), mistral.BaseUrl);
        Assert.Equal("MY_MISTRAL_KEY", mistral.ApiKeyEnv);
        Assert.Equal(0.3, mistral.Thresholds[ModerationCategories.Hate]);

        var policy = ModerationPolicy.FromSpec(result.Spec);
        Assert.False(policy.IsEnabled(ModerationDirection.Input, "internal"));
        Assert.Equal(PolicyAction.Flag, policy.Decide(ModerationCategories.Privacy, ModerationDirection.Output, "internal").Action);
        Assert.Equal(PolicyAction.Redact, policy.Decide(ModerationCategories.Privacy, ModerationDirection.Output, "main").Action);
        Assert.Equal(0.9, policy.RouteThresholds("internal")[ModerationCategories.PromptAttack]);
    }

    [Fact]
    public void Bad_values_are_reported_at_their_position_with_a_fix()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            moderation:
              combine: maximum
              streaming:
                lookahead: -1
              classifiers:
                - type: openai
                  api_key_env: sk-abc123
                - type: detectors
                  base_url: http://x
              routes:
                nowhere:
                  policies:
                    ghost: { input: deny }
            """);

        var combine = DiagnosticAssert.At(result, Spec, 3, 12, "moderation.combine", "unknown combine mode 'maximum'");
        Assert.Equal("did you mean 'max'?", combine.Hint);
        DiagnosticAssert.At(result, Spec, 5, 16, "moderation.streaming.lookahead", "must be 0 to 100000 characters, got -1");
        DiagnosticAssert.At(result, Spec, 8, 20, "moderation.classifiers[0].api_key_env", "must be the NAME of an environment variable");
        DiagnosticAssert.At(result, Spec, 10, 17, "moderation.classifiers[1].base_url", "base_url is ignored by a 'detectors' classifier", SpecSeverity.Warning);
        DiagnosticAssert.At(result, Spec, 12, 5, "moderation.routes.nowhere", "unknown model alias 'nowhere'");
        DiagnosticAssert.At(result, Spec, 14, 9, "moderation.routes.nowhere.policies.ghost", "'ghost'");
        var action = DiagnosticAssert.At(result, Spec, 14, 25, "moderation.routes.nowhere.policies.ghost.input", "unknown action 'deny'");
        Assert.Equal("did you mean 'block'?", action.Hint);
    }

    [Fact]
    public void A_local_classifier_path_that_does_not_exist_is_a_warning_with_the_fix()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            moderation:
              classifiers:
                - type: local
                  path: models/mine.tmod
            """);
        var warning = DiagnosticAssert.At(result, Spec, 5, 13, "moderation.classifiers[0].path", "", SpecSeverity.Warning);
        Assert.Contains("tailor moderation train", warning.Hint, StringComparison.Ordinal);
        Assert.False(result.HasErrors);
    }
}
