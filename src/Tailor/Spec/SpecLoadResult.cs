using System.Diagnostics.CodeAnalysis;

namespace Tailor.Spec;

/// <summary>The outcome of <see cref="SpecLoader.Load"/>: the spec when it is usable, and every diagnostic found.</summary>
/// <remarks>Immutable. <see cref="Spec"/> is non-null exactly when <see cref="HasErrors"/> is false; warnings never withhold it.</remarks>
public sealed class SpecLoadResult
{
    internal SpecLoadResult(TailorSpec? spec, IReadOnlyList<SpecDiagnostic> diagnostics)
    {
        Diagnostics = diagnostics;
        HasErrors = diagnostics.Any(d => d.Severity == SpecSeverity.Error);
        Spec = HasErrors ? null : spec ?? throw new ArgumentNullException(nameof(spec), "A spec without errors must be returned.");
    }

    /// <summary>The loaded spec; null when there is any error.</summary>
    public TailorSpec? Spec { get; }

    /// <summary>Errors and warnings, ordered by file (the spec first), line and column.</summary>
    public IReadOnlyList<SpecDiagnostic> Diagnostics { get; }

    [MemberNotNullWhen(false, nameof(Spec))]
    public bool HasErrors { get; }

    public IEnumerable<SpecDiagnostic> Errors => Diagnostics.Where(d => d.Severity == SpecSeverity.Error);

    public IEnumerable<SpecDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == SpecSeverity.Warning);
}
