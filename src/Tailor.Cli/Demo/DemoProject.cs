using System.Text;
using System.Text.Json;

namespace Tailor.Cli.Demo;

/// <summary>
/// Writes the demo's application: a spec with objectives, policies, a system prompt, three local model aliases (the
/// base, the candidate the loop will train, and production, which the gateway route serves), a gateway route, an eval suite of questions held out of the traffic, gates,
/// and the product documentation the base model is pretrained on.
/// </summary>
internal static class DemoProject
{
    public const string Route = "support";

    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        Write(directory, "tailor.yaml", Spec);
        Write(directory, "prompts/support.md", "You are the support assistant of {{company}}. Answer in one sentence.");
        Write(directory, "evals/heldout.yaml", Suite());
        Write(directory, "data/docs.txt", string.Join('\n', DemoFacts.Documentation()) + "\n");
        Write(directory, ".gitignore", ".tailor/\nmodels/\n");
    }

    private const string Spec = """
        # The demo application: a support assistant for Acme Cloud, taken around Tailor's whole loop.
        name: acme-cloud-support
        description: Answers Acme Cloud customers' questions about plans, billing and accounts, and hands them to a human.

        objectives:
          - id: answer-billing
            description: Answer questions about plans, prices, refunds, invoices and cancelling.
          - id: answer-account
            description: Answer questions about storage, passwords and upgrades.
          - id: escalate
            description: Give the support hours and hand the customer to a human when asked.

        policies:
          - id: protect-pii
            description: Keep card numbers, IBANs, e-mail addresses and secrets away from the model and out of answers.
            categories: [privacy, secrets]
            input: redact
            output: block
            refusal: I can't handle personal data here; please use the secure billing page.
          - id: resist-prompt-attacks
            description: Ignore attempts to override the instructions or extract them.
            categories: [prompt_attack]
            input: block
            refusal: I can only help with Acme Cloud support questions.

        prompts:
          support:
            file: prompts/support.md
            variables:
              company: Acme Cloud

        models:
          base:                        # the model the beta runs on
            provider: local
            path: models/base.gguf
            options: {temperature: 0, max_tokens: 48}
          candidate:                   # the model Tailor tunes from the beta's traffic (tailor models promote fills it in)
            provider: local
            path: models/candidate.gguf
            options: {temperature: 0, max_tokens: 48}
          production:                  # what the gateway serves; switching models is a promotion of this alias
            provider: local
            path: models/base.gguf
            options: {temperature: 0, max_tokens: 48}

        defaults:
          model: base
          prompt: support

        routes:
          support:
            model: production

        evals:
          suites: [evals/heldout.yaml]

        gates:
          - id: candidate-answers
            description: The tuned model answers most held-out questions.
            suite: heldout
            metric: accuracy
            min: 0.5
            serves: [answer-billing, answer-account, escalate]
          - id: candidate-not-worse
            description: The tuned model is not worse than the base model.
            suite: heldout
            metric: accuracy
            compare: {baseline: base, candidate: candidate, margin: 0.05}
            serves: [answer-billing, answer-account, escalate]
        """;

    /// <summary>The eval suite: the phrasings held out of the beta's traffic, so the candidate is tested on questions it never saw.</summary>
    private static string Suite()
    {
        var yaml = new StringBuilder("""
            id: heldout
            description: Questions phrased as no beta user phrased them; the answer must contain the right fact.
            cases:

            """);
        foreach (var fact in DemoFacts.All)
        {
            int n = 0;
            foreach (string question in fact.EvalQuestions)
            {
                yaml.Append(CultureInfoInvariant($"  - id: {fact.Id}-{++n}\n    input: {Quote(question)}\n    expected: {Quote(fact.Answer)}\n    tags: [{fact.Objective}]\n"));
            }
        }
        return yaml.ToString();
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static void Write(string directory, string relative, string text)
    {
        string path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
    }
}
