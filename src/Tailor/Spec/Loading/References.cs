using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>What a name in the spec refers to.</summary>
internal enum ReferenceKind
{
    Prompt,
    Model,

    /// <summary>An objective or policy id (they share one namespace).</summary>
    Clause,
    Suite,
}

/// <summary>
/// Names that refer to something defined elsewhere in the spec (<c>defaults.model</c>, a gate's
/// <c>serves</c>). They are collected while reading and checked once everything is defined, so the
/// order of sections in the file does not matter.
/// </summary>
internal sealed class References
{
    private readonly List<(ReferenceKind Kind, SourceScalar Node, string Field)> _pending = [];

    public void Expect(ReferenceKind kind, SourceScalar node, string field) => _pending.Add((kind, node, field));

    /// <summary>Reports every name that matches nothing; <paramref name="suites"/> null skips suite checks (a suite file could not be read).</summary>
    public void Check(
        SpecReadContext context,
        IReadOnlyCollection<string> prompts,
        IReadOnlyCollection<string> models,
        IReadOnlyCollection<string> clauses,
        IReadOnlyCollection<string>? suites)
    {
        foreach ((ReferenceKind kind, SourceScalar node, string field) in _pending)
        {
            (IReadOnlyCollection<string>? known, string what, string defined, string none) = kind switch
            {
                ReferenceKind.Prompt => (prompts, "prompt", "defined prompts", "no prompts are defined under prompts:"),
                ReferenceKind.Model => (models, "model alias", "defined model aliases", "no models are defined under models:"),
                ReferenceKind.Clause => (clauses, "objective or policy id", "defined ids", "no objectives or policies are defined"),
                _ => (suites, "suite id", "suites in evals.suites", "no suites are listed in evals.suites"),
            };

            if (known is null || known.Contains(node.Value))
            {
                continue;
            }

            string hint = known.Count == 0 ? none : Spelling.Suggest(node.Value, known, defined);
            context.Error(node, field, $"unknown {what} '{node.Value}'", hint);
        }
    }
}
