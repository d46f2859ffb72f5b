using Tailor.Spec;

namespace Tailor.Tests.Spec;

/// <summary>Valid YAML that breaks the schema: each problem at its exact line, column and field.</summary>
public class SpecLoaderSchemaTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private string Spec => _project.SpecPath;

    [Fact]
    public void An_unknown_key_suggests_the_close_one()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            objectives:
              - id: a
                descripton: b
            """);

        SpecDiagnostic unknown = DiagnosticAssert.At(result, Spec, 4, 5, "objectives[0].descripton", "unknown key 'descripton'");
        Assert.Equal("did you mean 'description'?", unknown.Hint);
        DiagnosticAssert.At(result, Spec, 3, 5, "objectives[0].description", "missing required key 'description'");
        Assert.Equal(2, result.Diagnostics.Count);
    }

    [Fact]
    public void An_unknown_key_with_nothing_close_lists_the_allowed_keys()
    {
        SpecLoadResult result = _project.LoadSpec("name: x\ncolour: red\n");

        SpecDiagnostic unknown = DiagnosticAssert.At(result, Spec, 2, 1, "colour", "unknown key 'colour'");
        Assert.StartsWith("keys allowed here: name, description, objectives", unknown.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_id_is_reported_at_the_item()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            policies:
              - description: Keep it civil.
                categories: [hate]
            """);

        DiagnosticAssert.At(result, Spec, 3, 5, "policies[0].id", "missing required key 'id'");
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void An_id_written_without_a_value_is_reported_at_its_key()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            objectives:
              - id:
                description: Answer.
            """);

        DiagnosticAssert.At(result, Spec, 3, 5, "objectives[0].id", "'id' has no value");
    }

    [Fact]
    public void The_top_level_name_is_required()
    {
        SpecLoadResult result = _project.LoadSpec("description: no name\n");

        DiagnosticAssert.At(result, Spec, 1, 1, "name", "missing required key 'name'");
    }

    [Fact]
    public void A_duplicate_id_across_objectives_and_policies_names_the_first_line()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            objectives:
              - id: answer-billing
                description: a
            policies:
              - id: answer-billing
                description: b
            """);

        SpecDiagnostic duplicate = DiagnosticAssert.At(result, Spec, 6, 9, "policies[0].id", "duplicate id 'answer-billing'");
        Assert.Equal("duplicate id 'answer-billing': objectives[0].id on line 3 already uses it", duplicate.Message);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void An_id_that_breaks_the_pattern_gets_a_fixed_version()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            objectives:
              - id: Answer Billing!
                description: a
            """);

        SpecDiagnostic invalid = DiagnosticAssert.At(result, Spec, 3, 9, "objectives[0].id", "invalid id 'Answer Billing!'");
        Assert.Equal("try 'answer-billing'", invalid.Hint);
    }

    [Fact]
    public void A_policy_naming_an_unknown_category_suggests_the_canonical_one()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            policies:
              - id: safe
                description: No hate.
                categories: [hate]
              - id: careful
                description: No diagnoses.
                categories: [privacy, medical, Self-Harm]
            """);

        SpecDiagnostic medical = DiagnosticAssert.At(result, Spec, 8, 27, "policies[1].categories[1]", "unknown moderation category 'medical'");
        Assert.Equal(
            $"{Spec}:8:27: error: policies[1].categories[1]: unknown moderation category 'medical' (did you mean 'health_advice'?)",
            medical.ToString());
        SpecDiagnostic selfHarm = DiagnosticAssert.At(result, Spec, 8, 36, "policies[1].categories[2]", "unknown moderation category 'Self-Harm'");
        Assert.Equal("did you mean 'self_harm'?", selfHarm.Hint);
        Assert.Equal(2, result.Diagnostics.Count);
    }

    [Fact]
    public void Policy_actions_accept_any_case_and_reject_other_words()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            policies:
              - id: p
                description: d
                categories: [privacy]
                input: REDACT
                output: deny
            """);

        SpecDiagnostic deny = DiagnosticAssert.At(result, Spec, 7, 13, "policies[0].output", "unknown action 'deny'");
        Assert.Equal("did you mean 'block'?", deny.Hint);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void A_policy_reads_into_the_object_model()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            policies:
              - id: p
                description: d
                categories: [privacy, secrets]
                input: Redact
                output: block
                refusal: Not here.
            """);

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        Policy policy = Assert.Single(result.Spec.Policies);
        Assert.Equal(["privacy", "secrets"], policy.Categories);
        Assert.Equal((PolicyAction.Redact, PolicyAction.Block, "Not here."), (policy.Input, policy.Output, policy.Refusal));
    }

    [Fact]
    public void An_api_key_in_the_file_is_an_error_that_points_to_environment_variables()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              baseline:
                provider: mistral
                model: mistral-large-latest
                api_key: abc123secret
            """);

        SpecDiagnostic key = DiagnosticAssert.At(result, Spec, 6, 5, "models.baseline.api_key", "puts a secret in tailor.yaml");
        Assert.Equal("keys are read from environment variables only: set api_key_env: MISTRAL_API_KEY and export MISTRAL_API_KEY", key.Hint);
        Assert.DoesNotContain("abc123secret", key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_pasted_into_api_key_env_is_refused_without_echoing_it()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              gpt:
                provider: openai
                model: gpt-4o-mini
                api_key_env: sk-proj-abc123
            """);

        SpecDiagnostic key = DiagnosticAssert.At(result, Spec, 6, 18, "models.gpt.api_key_env", "must be the NAME of an environment variable");
        Assert.DoesNotContain("sk-proj", key.ToString(), StringComparison.Ordinal);
        Assert.Equal("e.g. api_key_env: OPENAI_API_KEY", key.Hint);
    }

    [Theory]
    [InlineData("mistal", "did you mean 'mistral'?")]
    [InlineData("ollama", "'ollama' serves the OpenAI API: use provider: openai-compatible with its base_url")]
    [InlineData("azure-foundry", "expected one of: openai, openai-compatible, mistral, local")]
    public void A_bad_provider_is_reported_with_what_to_write(string provider, string hint)
    {
        SpecLoadResult result = _project.LoadSpec($"""
            name: x
            models:
              baseline:
                provider: {provider}
                model: m
            """);

        SpecDiagnostic bad = DiagnosticAssert.At(result, Spec, 4, 15, "models.baseline.provider", $"unknown provider '{provider}'");
        Assert.Equal(hint, bad.Hint);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Provider_specific_requirements_are_checked()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              remote:
                provider: mistral
              server:
                provider: openai-compatible
                model: qwen
                base_url: localhost:8080/v1
              server2:
                provider: openai-compatible
                model: qwen
              gguf:
                provider: local
            """);

        DiagnosticAssert.At(result, Spec, 4, 5, "models.remote.model", "missing required key 'model'");
        SpecDiagnostic url = DiagnosticAssert.At(result, Spec, 8, 15, "models.server.base_url", "base_url must be an absolute http:// or https:// URL");
        Assert.Equal("write it with its scheme: http://localhost:8080/v1", url.Hint);
        DiagnosticAssert.At(result, Spec, 10, 5, "models.server2.base_url", "missing required key 'base_url'");
        DiagnosticAssert.At(result, Spec, 13, 5, "models.gguf.path", "missing required key 'path'");
        Assert.Equal(4, result.Diagnostics.Count);
    }

    [Fact]
    public void A_local_model_file_that_does_not_exist_yet_is_only_a_warning()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              candidate:
                provider: local
                path: models/candidate.gguf
                adapters: [adapters/a.gguf]
            """);

        Assert.False(result.HasErrors);
        DiagnosticAssert.At(result, Spec, 5, 11, "models.candidate.path", "model file 'models/candidate.gguf' not found", SpecSeverity.Warning);
        DiagnosticAssert.At(result, Spec, 6, 16, "models.candidate.adapters[0]", "adapter file 'adapters/a.gguf' not found", SpecSeverity.Warning);
        Assert.Equal("models/candidate.gguf", result.Spec.Models["candidate"].Path);
    }

    [Fact]
    public void Model_options_read_into_the_object_model()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              a:
                provider: openai-compatible
                base_url: https://llm.example/v1
                model: m
                api_key_env: LLM_KEY
                options:
                  temperature: 0.7
                  top_p: 1
                  max_tokens: 512
                  seed: -3
                  stop: "###"
                  timeout: 1m30s
                  max_retries: 0
              b:
                provider: openai
                model: gpt-4o-mini
                options: {stop: [a, b], timeout: 45}
              c:
                provider: openai
                model: gpt-4o-mini
                options: {timeout: 500ms}
            """);

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        ModelSpec a = result.Spec.Models["a"];
        Assert.Equal(new Uri("https://llm.example/v1"), a.BaseUrl);
        Assert.Equal("LLM_KEY", a.ApiKeyEnv);
        Assert.Equal((0.7f, 1f, 512, -3L), (a.Options.Temperature, a.Options.TopP, a.Options.MaxTokens, a.Options.Seed));
        Assert.Equal(["###"], a.Options.Stop);
        Assert.Equal((TimeSpan.FromSeconds(90), 0), (a.Options.Timeout, a.Options.MaxRetries));
        Assert.Equal(["a", "b"], result.Spec.Models["b"].Options.Stop);
        Assert.Equal(TimeSpan.FromSeconds(45), result.Spec.Models["b"].Options.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), result.Spec.Models["c"].Options.Timeout);
    }

    [Fact]
    public void Wrong_types_say_what_was_expected()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: [x]
            objectives:
              id: a
            policies: nope
            models:
              - baseline
            moderation:
              input: yes
            gates:
              - id: g
                metric: m
                min: "0.5"
            """);

        DiagnosticAssert.At(result, Spec, 1, 7, "name", "expected text, got a list");
        DiagnosticAssert.At(result, Spec, 3, 3, "objectives", "expected a list of objectives ('- id: ...' items), got a mapping");
        DiagnosticAssert.At(result, Spec, 4, 11, "policies", "expected a list of policies ('- id: ...' items), got 'nope'");
        DiagnosticAssert.At(result, Spec, 6, 3, "models", "expected a mapping of model aliases to models");
        SpecDiagnostic yes = DiagnosticAssert.At(result, Spec, 8, 10, "moderation.input", "expected true or false, got 'yes'");
        Assert.Equal("write true or false", yes.Hint);
        SpecDiagnostic quoted = DiagnosticAssert.At(result, Spec, 12, 10, "gates[0].min", "expected a number, got '0.5'");
        Assert.Equal("remove the quotes: a quoted number is text", quoted.Hint);
        Assert.Equal(6, result.Diagnostics.Count);
    }

    [Fact]
    public void Threads_and_context_size_are_local_engine_settings()
    {
        File.WriteAllBytes(Path.Combine(_project.Directory, "m.gguf"), [0]);
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              local:
                provider: local
                path: m.gguf
                options: {threads: 2, context_size: 1024}
              remote:
                provider: openai
                model: m
                options:
                  threads: 4
            """);
        SpecLoadResult broken = _project.LoadSpec("""
            name: x
            models:
              local:
                provider: local
                path: m.gguf
                options: {threads: 0, context_size: 8}
            """);

        Assert.Equal(2, result.Spec!.Models["local"].Options.Threads);
        Assert.Equal(1024, result.Spec.Models["local"].Options.ContextSize);
        DiagnosticAssert.At(result, Spec, 11, 16, "models.remote.options.threads", "threads is ignored: only local models", SpecSeverity.Warning);
        Assert.Single(result.Diagnostics);
        DiagnosticAssert.At(broken, Spec, 6, 24, "models.local.options.threads", "must be from 1 to 1024, got 0");
        DiagnosticAssert.At(broken, Spec, 6, 41, "models.local.options.context_size", "must be from 16 to 1048576, got 8");
        Assert.Equal(2, broken.Diagnostics.Count);
    }

    [Fact]
    public void Numbers_out_of_range_are_reported_with_the_range()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              a:
                provider: openai
                model: m
                options:
                  temperature: 2.5
                  top_p: 0
                  max_tokens: 0
                  max_retries: -1
                  timeout: forever
            """);

        DiagnosticAssert.At(result, Spec, 7, 20, "models.a.options.temperature", "must be between 0 and 2, got 2.5");
        DiagnosticAssert.At(result, Spec, 8, 14, "models.a.options.top_p", "must be greater than 0 and at most 1, got 0");
        DiagnosticAssert.At(result, Spec, 9, 19, "models.a.options.max_tokens", "must be greater than 0, got 0");
        DiagnosticAssert.At(result, Spec, 10, 20, "models.a.options.max_retries", "must be 0 or more, got -1");
        DiagnosticAssert.At(result, Spec, 11, 16, "models.a.options.timeout", "expected a duration greater than 0, got 'forever'");
        Assert.Equal(5, result.Diagnostics.Count);
    }

    [Fact]
    public void A_duplicate_key_names_both_lines()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              a:
                provider: mistral
                model: mistral-small-latest
                model: mistral-large-latest
            """);

        SpecDiagnostic duplicate = DiagnosticAssert.At(result, Spec, 6, 5, "models.a.model", "duplicate key 'model'");
        Assert.Equal("duplicate key 'model': already set on line 5; this one on line 6 would silently replace it", duplicate.Message);
    }

    [Fact]
    public void Names_that_refer_elsewhere_must_exist()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            objectives:
              - id: answer-billing
                description: d
            models:
              baseline:
                provider: mistral
                model: m
                prompt: suport
            defaults:
              model: basline
            moderation:
              classifiers:
                - type: llm-guard
                  model: guard
            gates:
              - id: g
                metric: accuracy
                compare: {baseline: baseline, candidate: candidat}
                serves: [answer-biling]
            """);

        SpecDiagnostic prompt = DiagnosticAssert.At(result, Spec, 9, 13, "models.baseline.prompt", "unknown prompt 'suport'");
        Assert.Equal("no prompts are defined under prompts:", prompt.Hint);
        SpecDiagnostic model = DiagnosticAssert.At(result, Spec, 11, 10, "defaults.model", "unknown model alias 'basline'");
        Assert.Equal("did you mean 'baseline'?", model.Hint);
        SpecDiagnostic guard = DiagnosticAssert.At(result, Spec, 15, 14, "moderation.classifiers[0].model", "unknown model alias 'guard'");
        Assert.Equal("defined model aliases: baseline", guard.Hint);
        DiagnosticAssert.At(result, Spec, 19, 46, "gates[0].compare.candidate", "unknown model alias 'candidat'");
        SpecDiagnostic serves = DiagnosticAssert.At(result, Spec, 20, 14, "gates[0].serves[0]", "unknown objective or policy id 'answer-biling'");
        Assert.Equal("did you mean 'answer-billing'?", serves.Hint);
        Assert.Equal(5, result.Diagnostics.Count);
    }

    [Fact]
    public void Gates_need_a_threshold_and_a_sound_comparison()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            models:
              baseline: {provider: mistral, model: m}
            gates:
              - id: no-threshold
                metric: accuracy
              - id: inverted
                metric: accuracy
                min: 0.9
                max: 0.5
              - id: self
                metric: accuracy
                compare: {baseline: baseline, candidate: baseline, confidence: 1}
              - metric: accuracy
                min: 0.5
            """);

        DiagnosticAssert.At(result, Spec, 5, 5, "gates[0]", "a gate needs a threshold: min, max or compare");
        DiagnosticAssert.At(result, Spec, 9, 10, "gates[1].min", "min (0.9) is greater than max (0.5)");
        DiagnosticAssert.At(result, Spec, 13, 46, "gates[2].compare.candidate", "baseline and candidate are both 'baseline'");
        DiagnosticAssert.At(result, Spec, 13, 68, "gates[2].compare.confidence", "must be between 0 and 1, exclusive");
        DiagnosticAssert.At(result, Spec, 14, 5, "gates[3].id", "missing required key 'id'");
        Assert.Equal(5, result.Diagnostics.Count);
    }

    [Fact]
    public void Moderation_thresholds_name_known_categories_with_scores_from_0_to_1()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            moderation:
              output: false
              classifiers:
                - type: llama-guard
                - type: detectors
              thresholds:
                pii: 0.5
                privacy: 2
                self_harm: 0.25
            """);

        SpecDiagnostic type = DiagnosticAssert.At(result, Spec, 5, 13, "moderation.classifiers[0].type", "unknown classifier type 'llama-guard'");
        Assert.Equal("did you mean 'llm-guard'?", type.Hint);
        SpecDiagnostic pii = DiagnosticAssert.At(result, Spec, 8, 5, "moderation.thresholds.pii", "unknown moderation category 'pii'");
        Assert.Equal("did you mean 'privacy'?", pii.Hint);
        DiagnosticAssert.At(result, Spec, 9, 14, "moderation.thresholds.privacy", "must be between 0 and 1, got 2");
        Assert.Equal(3, result.Diagnostics.Count);
    }

    [Fact]
    public void Store_secrets_and_postgres_requirements_are_checked()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            store:
              provider: postgres
              connection_string: Host=db;Password=hunter2
            """);

        SpecDiagnostic secret = DiagnosticAssert.At(result, Spec, 4, 3, "store.connection_string", "puts a connection string");
        Assert.DoesNotContain("hunter2", secret.ToString(), StringComparison.Ordinal);
        DiagnosticAssert.At(result, Spec, 3, 3, "store.connection_string_env", "missing required key 'connection_string_env'");
        Assert.Equal(2, result.Diagnostics.Count);
    }

    [Fact]
    public void Suite_files_must_exist_and_parse_and_gates_name_their_ids()
    {
        _project.Write("evals/smoke.yaml", "id: smoke\ncases: []\n");
        _project.Write("evals/broken.yaml", "id: broken\ncases:\n  - id: a\n   input: b\n");
        SpecLoadResult result = _project.LoadSpec("""
            name: x
            evals:
              suites: [evals/smoke.yaml, evals/missing.yaml, evals/broken.yaml]
            gates:
              - id: g
                suite: smok
                metric: accuracy
                min: 0.5
            """);

        DiagnosticAssert.At(result, Spec, 3, 30, "evals.suites[1]", "suite file 'evals/missing.yaml' not found");
        string broken = Path.Combine(_project.Directory, "evals/broken.yaml");
        DiagnosticAssert.At(result, broken, 4, 4, "evals.suites[2]", "bad indentation");
        // A suite that cannot be read may hold the id, so the gate's suite is not judged.
        Assert.Equal(2, result.Diagnostics.Count);

        _project.Write("evals/broken.yaml", "id: broken\ncases: []\n");
        _project.Write("evals/missing.yaml", "cases: []\n");
        result = SpecLoader.Load(Spec);
        SpecDiagnostic suite = DiagnosticAssert.At(result, Spec, 6, 12, "gates[0].suite", "unknown suite id 'smok'");
        Assert.Equal("did you mean 'smoke'?", suite.Hint);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_in_one_pass()
    {
        SpecLoadResult result = _project.LoadSpec("""
            name: support
            objectives:
              - id: answer
                descripton: Answer questions.
            policies:
              - id: answer
                description: Stay safe.
                categories: [medical]
            models:
              baseline:
                provider: mistal
                model: mistral-large-latest
                api_key: xyz
            defaults:
              model: baseline
              prompt: support
            datasets: [data/train.jsonl]
            """);

        var errors = result.Errors.Select(d => (d.Line, d.Column, d.Field)).ToArray();
        Assert.Equal(
            [
                (3, 5, "objectives[0].description"),
                (4, 5, "objectives[0].descripton"),
                (6, 9, "policies[0].id"),
                (8, 18, "policies[0].categories[0]"),
                (11, 15, "models.baseline.provider"),
                (13, 5, "models.baseline.api_key"),
                (16, 11, "defaults.prompt"),
            ],
            errors);
        SpecDiagnostic dataset = Assert.Single(result.Warnings);
        Assert.Equal((17, 12, "datasets[0]"), (dataset.Line, dataset.Column, dataset.Field));
        Assert.Null(result.Spec);
    }
}
