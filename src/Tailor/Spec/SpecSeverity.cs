namespace Tailor.Spec;

/// <summary>How bad a <see cref="SpecDiagnostic"/> is.</summary>
public enum SpecSeverity
{
    /// <summary>The spec cannot be used until this is fixed; <see cref="SpecLoadResult.Spec"/> is null.</summary>
    Error,

    /// <summary>The spec loads, but something is probably not what the user meant (an unused variable, a model file not built yet).</summary>
    Warning,
}
