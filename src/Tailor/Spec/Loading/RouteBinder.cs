using System.Text.RegularExpressions;
using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>
/// Reads <c>routes:</c>: public model name -> primary model alias, fallbacks, canary split and shadow. Aliases are
/// checked once all models are known; a route that names the same model twice (as its own fallback, canary or
/// shadow) is an error, since it could never do what it says.
/// </summary>
internal sealed partial class RouteBinder(SpecReadContext context, References references)
{
    private static readonly string[] RouteKeys = ["model", "fallbacks", "canary", "shadow"];
    private static readonly string[] CanaryKeys = ["model", "percent", "sticky"];
    private static readonly string[] ShadowKeys = ["model", "percent"];
    private static readonly string[] StickyValues = ["key", "user", "none"];
    private static readonly NumberRange Percent = new(0, true, 100, true, "between 0 and 100");

    // Public model names look like vendor ids ("gpt-4o-mini", "acme/support:v2"), so they allow more than spec ids.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex RouteName();

    public IReadOnlyDictionary<string, RouteSpec> Read(MappingReader root)
    {
        var routes = new Dictionary<string, RouteSpec>(StringComparer.Ordinal);
        MappingReader? section = root.Mapping("routes", "a mapping of public model names to routes (support: {model: baseline, ...})", knownKeys: null);
        if (section is null)
        {
            return routes;
        }

        foreach ((string name, SourceScalar nameNode, SourceNode value) in section.Entries)
        {
            string field = section.Field(name);
            if (!RouteName().IsMatch(name))
            {
                context.Error(nameNode, field, $"invalid route name '{name}': use letters, digits, '.', '_', ':', '/' and '-', starting with a letter or digit",
                    $"try '{SpecIds.Fix(name)}'");
            }

            // `support: baseline` is the short form of `support: {model: baseline}`.
            if (value is SourceScalar { IsNull: false } shortForm)
            {
                references.Expect(ReferenceKind.Model, shortForm, field);
                routes[name] = new RouteSpec { Name = name, Model = shortForm.Value };
                continue;
            }

            MappingReader? route = MappingReader.Open(context, value, field, "a route (model:, fallbacks:, canary:, shadow:) or a model alias", RouteKeys);
            if (route is not null)
            {
                routes[name] = ReadRoute(name, route);
            }
        }

        return routes;
    }

    private RouteSpec ReadRoute(string name, MappingReader route)
    {
        SourceScalar? model = route.Scalar("model", required: true, "the model alias that answers this route, e.g. model: baseline");
        if (model is not null)
        {
            references.Expect(ReferenceKind.Model, model, route.Field("model"));
        }

        var fallbacks = new List<string>();
        foreach (ListItem item in route.TextList("fallbacks", "model aliases", allowSingle: true) ?? [])
        {
            references.Expect(ReferenceKind.Model, item.Node, item.Field);
            if (item.Value == model?.Value)
            {
                context.Error(item.Node, item.Field, $"'{item.Value}' is this route's own model: falling back to it would only repeat the failed call",
                    "name a different model alias, or use max_retries in the model's options to retry it");
            }
            else if (fallbacks.Contains(item.Value))
            {
                context.Warning(item.Node, item.Field, $"'{item.Value}' is already a fallback of this route");
            }
            else
            {
                fallbacks.Add(item.Value);
            }
        }

        return new RouteSpec
        {
            Name = name,
            Model = model?.Value ?? "",
            Fallbacks = fallbacks,
            Canary = ReadCanary(route, model?.Value),
            Shadow = ReadShadow(route, model?.Value),
        };
    }

    private CanarySpec? ReadCanary(MappingReader route, string? primary)
    {
        MappingReader? canary = route.Mapping("canary", "a canary split (model:, percent:, sticky:)", CanaryKeys);
        if (canary is null)
        {
            return null;
        }

        SourceScalar? model = ReadOtherModel(canary, primary, "canary");
        double? percent = canary.Number("percent", Percent, required: true);
        StickyBy sticky = StickyBy.Key;
        if (canary.Scalar("sticky") is { } stickyNode)
        {
            switch (stickyNode.Value.Trim().ToLowerInvariant())
            {
                case "key": sticky = StickyBy.Key; break;
                case "user": sticky = StickyBy.User; break;
                case "none": sticky = StickyBy.None; break;
                default:
                    context.Error(stickyNode, canary.Field("sticky"), $"unknown sticky value '{stickyNode.Value}'", Spelling.Suggest(stickyNode.Value, StickyValues));
                    break;
            }
        }

        return model is null || percent is null ? null : new CanarySpec { Model = model.Value, Percent = percent.Value, Sticky = sticky };
    }

    private ShadowSpec? ReadShadow(MappingReader route, string? primary)
    {
        SourceNode? value = route.Value("shadow");
        if (value is SourceScalar { IsNull: false } shortForm)
        {
            references.Expect(ReferenceKind.Model, shortForm, route.Field("shadow"));
            if (shortForm.Value == primary)
            {
                context.Error(shortForm, route.Field("shadow"), $"'{shortForm.Value}' is this route's own model; a shadow is a second model that answers beside it");
                return null;
            }

            return new ShadowSpec { Model = shortForm.Value };
        }

        MappingReader? shadow = route.Mapping("shadow", "a shadow model alias, or (model:, percent:)", ShadowKeys);
        if (shadow is null)
        {
            return null;
        }

        SourceScalar? model = ReadOtherModel(shadow, primary, "shadow");
        double percent = shadow.Number("percent", Percent) ?? 100;
        return model is null ? null : new ShadowSpec { Model = model.Value, Percent = percent };
    }

    private SourceScalar? ReadOtherModel(MappingReader section, string? primary, string what)
    {
        SourceScalar? model = section.Scalar("model", required: true, $"the model alias of the {what}, e.g. model: candidate");
        if (model is null)
        {
            return null;
        }

        references.Expect(ReferenceKind.Model, model, section.Field("model"));
        if (model.Value == primary)
        {
            context.Error(model, section.Field("model"), $"the {what} model '{model.Value}' is this route's own model", $"a {what} names a second model alias, e.g. candidate");
            return null;
        }

        return model;
    }
}
