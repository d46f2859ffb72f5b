using Tailor.Spec;

namespace Tailor.Tuning.Aliases;

/// <summary>
/// What a promotion or rollback did to tailor.yaml: the alias, the model, the managed keys before and after (as their
/// YAML text), and the spec's warnings after the edit. <see cref="Changed"/> is false when the alias already served the
/// model. Immutable.
/// </summary>
public sealed record AliasPromotion(
    string SpecPath, string Alias, string? ModelId, IReadOnlyDictionary<string, string?> Before, IReadOnlyDictionary<string, string?> After,
    IReadOnlyList<SpecDiagnostic> Warnings, bool Changed, string? ChangeId);
