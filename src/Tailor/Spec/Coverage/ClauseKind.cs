namespace Tailor.Spec.Coverage;

/// <summary>Which list of the spec a traceability id comes from.</summary>
public enum ClauseKind
{
    Objective,
    Policy,
}
