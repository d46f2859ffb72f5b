using Tailor.Spec;

namespace Tailor.Tests.Spec;

/// <summary><c>routes:</c>: the gateway's public names, their models, fallbacks, canary and shadow; every mistake at its line.</summary>
public sealed class RouteBinderTests : IDisposable
{
    private const string Models = """
        name: x
        models:
          baseline: {provider: openai, model: gpt-4o}
          backup: {provider: mistral, model: mistral-small-latest}
          candidate: {provider: local, path: m.gguf}

        """;

    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void A_full_route_and_a_short_one_load_with_their_defaults()
    {
        var result = _project.LoadSpec(Models + """
            routes:
              support:
                model: baseline
                fallbacks: [backup]
                canary: {model: candidate, percent: 12.5, sticky: user}
                shadow: {model: backup, percent: 50}
              acme/support:v2: candidate
            """);

        Assert.False(result.HasErrors, DiagnosticAssert.Render(result.Diagnostics));
        var support = result.Spec!.Routes["support"];
        Assert.Equal("baseline", support.Model);
        Assert.Equal(["backup"], support.Fallbacks);
        Assert.Equal(new CanarySpec { Model = "candidate", Percent = 12.5, Sticky = StickyBy.User }, support.Canary);
        Assert.Equal(new ShadowSpec { Model = "backup", Percent = 50 }, support.Shadow);
        Assert.Equal("candidate", result.Spec.Routes["acme/support:v2"].Model);
        Assert.Equal(["acme/support:v2", "support"], result.Spec.EffectiveRoutes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_routes_every_model_alias_is_served_under_its_own_name()
    {
        var result = _project.LoadSpec(Models);

        Assert.Empty(result.Spec!.Routes);
        Assert.Equal(["backup", "baseline", "candidate"], result.Spec.EffectiveRoutes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("backup", result.Spec.EffectiveRoutes["backup"].Model);
    }

    [Fact]
    public void Mistakes_are_reported_at_their_line_with_a_way_out()
    {
        var result = _project.LoadSpec(Models + """
            routes:
              support:
                model: basline
                fallbacks: [baseline, backup]
                canary: {model: candidate, percent: 120, sticky: session}
              bad name!: baseline
              self:
                model: backup
                shadow: backup
            """);

        string spec = _project.SpecPath;
        Assert.Equal("did you mean 'baseline'?", DiagnosticAssert.At(result, spec, 8, 12, "routes.support.model", "unknown model alias 'basline'").Hint);
        DiagnosticAssert.At(result, spec, 10, 41, "routes.support.canary.percent", "between 0 and 100");
        DiagnosticAssert.At(result, spec, 10, 54, "routes.support.canary.sticky", "unknown sticky value 'session'");
        DiagnosticAssert.At(result, spec, 11, 3, "routes[\"bad name!\"]", "invalid route name");
        DiagnosticAssert.At(result, spec, 14, 13, "routes.self.shadow", "own model");
    }

    [Fact]
    public void A_route_that_falls_back_to_its_own_model_is_an_error()
    {
        var result = _project.LoadSpec(Models + """
            routes:
              support: {model: baseline, fallbacks: [backup, baseline]}
            """);

        DiagnosticAssert.At(result, _project.SpecPath, 7, 50, "routes.support.fallbacks[1]", "this route's own model");
    }
}
