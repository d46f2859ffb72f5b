using Microsoft.Extensions.AI;
using Tailor.Evals.Suites;
using Tailor.Spec;

namespace Tailor.Tests.Evals;

/// <summary>The suite format: the samples load, every key is read, and mistakes are reported at file:line:column with a fix.</summary>
public sealed class SuiteLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-suites-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string RepoFile(params string[] parts)
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Tailor.slnx")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        return Path.Combine([dir, .. parts]);
    }

    private SuiteLoadResult Load(string yaml, string name = "suite.yaml")
    {
        File.WriteAllText(Path.Combine(_dir, name), yaml);
        return SuiteLoader.Load(name, _dir);
    }

    private static SpecDiagnostic Single(SuiteLoadResult result)
    {
        Assert.True(result.HasErrors);
        return Assert.Single(result.Diagnostics);
    }

    [Theory]
    [InlineData("samples", "support-bot", "evals", "smoke.yaml")]
    [InlineData("src", "Tailor.Cli", "Templates", "init", "evals", "smoke.yaml")]
    public void The_shipped_sample_suites_load_with_the_default_scorer(params string[] path)
    {
        string file = RepoFile(path);
        var result = SuiteLoader.Load(file, "/");

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var suite = result.Suite!;
        Assert.Equal("smoke", suite.Id);
        Assert.True(suite.Cases.Count >= 4);
        Assert.All(suite.Cases, c =>
        {
            Assert.Equal(ChatRole.User, Assert.Single(c.Messages).Role);
            Assert.NotEmpty(c.Tags);
            Assert.Equal("accuracy", Assert.Single(c.Scorers).Metric);
        });
    }

    [Fact]
    public void Every_key_is_read_templates_render_and_multi_turn_inputs_keep_their_roles()
    {
        var result = Load("""
            id: full
            description: All the keys.
            tags: [answer]
            model: baseline
            judge: {model: judge}
            variables: {company: Acme}
            repeat: 3
            threshold: 0.5
            scorers:
              - icontains: "{{company}}"
              - type: judge
                rubric: Mentions {{company}} politely.
                weight: 2
            cases:
              - id: one
                tags: billing
                vars: {item: invoice}
                input:
                  - {role: user, content: Hi}
                  - {role: assistant, content: "Hello, how can I help?"}
                  - {role: user, content: "Where is my {{item}} at {{company}}?"}
                expected: Billing > Invoices
              - id: two
                input: Plain question
                scorers:
                  - not-contains: password
                  - {regex: '^\d+ days$', metric: format}
                  - {length: null, max: 200, unit: words}
                  - {type: json-schema, schema: {type: object, required: [status]}}
                  - {type: json-field, path: order.status, value: shipped}
                  - {type: refusal, expect: answer}
                  - {type: latency, max: 2000}
                  - {type: cost, input_price: 0.5, output_price: 1.5, max: 0.01}
                threshold: 0.8
            """);

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var suite = result.Suite!;
        Assert.Equal(("full", "baseline", "judge", 3, 0.5), (suite.Id, suite.Model, suite.Judge, suite.Repeat, suite.Threshold));
        var one = suite.Cases[0];
        Assert.Equal(["answer", "billing"], one.Tags);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User], one.Messages.Select(m => m.Role));
        Assert.Equal("Where is my invoice at Acme?", one.Input);
        Assert.Equal("Acme", one.Scorers[0].Value);
        Assert.Equal("icontains", one.Scorers[0].Type);
        Assert.Equal("Mentions Acme politely.", one.Scorers[1].Rubric);
        Assert.Equal(2, one.Scorers[1].Weight);
        Assert.Equal(0.5, one.Threshold);
        var two = suite.Cases[1];
        Assert.Equal(0.8, two.Threshold);
        Assert.True(two.Scorers[0].Negate);
        Assert.Equal("not-contains", two.Scorers[0].Metric);
        Assert.Equal("format", two.Scorers[1].Metric);
        Assert.Equal(@"^\d+ days$", two.Scorers[1].Value);
        Assert.Equal(("words", 200.0), (two.Scorers[2].Unit, two.Scorers[2].Max));
        Assert.Equal("""{"type":"object","required":["status"]}""", two.Scorers[3].Schema);
        Assert.Equal(("order.status", "shipped"), (two.Scorers[4].Path, two.Scorers[4].Value));
        Assert.Equal("answer", two.Scorers[5].Expect);
        Assert.Equal((0.5, 1.5), (two.Scorers[7].InputPrice!.Value, two.Scorers[7].OutputPrice!.Value));
    }

    [Fact]
    public void A_misspelt_scorer_type_is_reported_where_it_is_written_with_a_suggestion()
    {
        var d = Single(Load("cases:\n  - input: hi\n    expected: x\n    scorers:\n      - type: rouge_l\n"));

        Assert.Equal("suite.yaml:5:15: error: cases[0].scorers[0].type: unknown scorer type 'rouge_l' (did you mean 'rouge-l'?)", d.ToString());
    }

    [Fact]
    public void An_undefined_template_variable_names_the_field_and_suggests_the_close_one()
    {
        var d = Single(Load("variables: {company: Acme}\ncases:\n  - input: Hello {{compnay}}\n    expected: x\n"));

        Assert.Equal(3, d.Line);
        Assert.Equal("cases[0].input", d.Field);
        Assert.Equal("variable 'compnay' is used here but not defined", d.Message);
        Assert.Equal("did you mean 'company'?", d.Hint);
    }

    [Fact]
    public void A_scorer_that_needs_expected_on_a_case_without_it_is_an_error()
    {
        var d = Single(Load("cases:\n  - id: a\n    input: hi\n"));

        Assert.Equal("cases[0]", d.Field);
        Assert.Contains("compares with 'expected'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_regex_a_duplicate_case_and_a_multi_turn_input_ending_with_the_assistant_are_all_reported_in_one_pass()
    {
        var result = Load("""
            cases:
              - id: a
                input: hi
                scorers: [{regex: '(unclosed'}]
              - id: a
                input:
                  - {role: user, content: hi}
                  - {role: assistant, content: hello}
                expected: x
            """);

        Assert.True(result.HasErrors);
        Assert.Equal(3, result.Diagnostics.Count);
        Assert.Contains(result.Diagnostics, d => d.Message.StartsWith("invalid regular expression", StringComparison.Ordinal) && d.Line == 4);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("the last message of a multi-turn input must be the user's", StringComparison.Ordinal) && d.Line == 8);
        Assert.Contains(result.Diagnostics, d => d.Message == "duplicate case id 'a': the case on line 2 already uses it" && d.Line == 5);
    }

    [Fact]
    public void Yaml_syntax_errors_come_from_the_spec_machinery_with_positions()
    {
        var d = Single(Load("cases:\n  - id: a\n     input: bad indent\n"));

        Assert.Equal(3, d.Line);
        Assert.Contains("bad indentation", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_and_judge_aliases_are_checked_against_the_spec()
    {
        File.WriteAllText(Path.Combine(_dir, "tailor.yaml"), "name: t\nmodels:\n  baseline: {provider: openai-compatible, base_url: 'http://localhost:1/v1', model: m}\n");
        var spec = SpecLoader.Load(Path.Combine(_dir, "tailor.yaml")).Spec!;
        File.WriteAllText(Path.Combine(_dir, "s.yaml"), "model: baselin\njudge: judge\ncases:\n  - {input: hi, expected: x}\n");

        var result = SuiteLoader.Load("s.yaml", _dir, spec);

        Assert.Equal(2, result.Diagnostics.Count);
        Assert.Equal("did you mean 'baseline'?", result.Diagnostics[0].Hint);
        Assert.Equal("judge", result.Diagnostics[1].Field);
    }

    [Fact]
    public async Task Csv_cases_stream_with_quotes_tags_and_variables_and_a_bad_row_is_skipped()
    {
        File.WriteAllText(Path.Combine(_dir, "cases.csv"), "id,input,expected,tags,product\n"
            + "a,\"Hello, {{product}}\",\"echo: Hello, Cloud\",billing;general,Cloud\n"
            + "b,\"two\nlines\",x,,P\n"
            + "c,too,many,fields,here,extra\n");
        var suite = Load("id: csv\ntags: [suite-tag]\ncases_from: cases.csv\n").Suite!;
        var problems = new List<SpecDiagnostic>();

        var cases = await SuiteCases.ReadAllAsync(suite, problems.Add, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b"], cases.Select(c => c.Id));
        Assert.Equal("Hello, Cloud", cases[0].Input);
        Assert.Equal(["suite-tag", "billing", "general"], cases[0].Tags);
        Assert.Equal("two\nlines", cases[1].Input);
        Assert.Equal("cases.csv:2", cases[0].Location);
        var problem = Assert.Single(problems);
        Assert.Equal(5, problem.Line);
    }
}
