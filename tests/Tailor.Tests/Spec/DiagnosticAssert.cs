using Tailor.Spec;

namespace Tailor.Tests.Spec;

internal static class DiagnosticAssert
{
    /// <summary>The one diagnostic for <paramref name="field"/>; fails listing every diagnostic otherwise.</summary>
    public static SpecDiagnostic Single(SpecLoadResult result, string field)
    {
        SpecDiagnostic[] matches = result.Diagnostics.Where(d => d.Field == field).ToArray();
        Assert.True(matches.Length == 1, $"expected one diagnostic for '{field}', got {matches.Length}:\n{Render(result.Diagnostics)}");
        return matches[0];
    }

    /// <summary>Asserts the diagnostic's position, field and severity exactly, and that the message contains <paramref name="messagePart"/>.</summary>
    public static SpecDiagnostic At(SpecLoadResult result, string file, int line, int column, string field, string messagePart, SpecSeverity severity = SpecSeverity.Error)
    {
        SpecDiagnostic diagnostic = Single(result, field);
        Assert.Equal(file, diagnostic.File);
        Assert.Equal((line, column), (diagnostic.Line, diagnostic.Column));
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Contains(messagePart, diagnostic.Message, StringComparison.Ordinal);
        return diagnostic;
    }

    public static string Render(IEnumerable<SpecDiagnostic> diagnostics) => string.Join("\n", diagnostics);
}
