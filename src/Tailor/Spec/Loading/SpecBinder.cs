using Tailor.Spec.Yaml;

namespace Tailor.Spec.Loading;

/// <summary>
/// Walks the root of tailor.yaml section by section, building the <see cref="TailorSpec"/> and
/// reporting every problem as it goes; cross-references are checked last, once all names are known.
/// </summary>
/// <remarks>The returned spec holds placeholders where values were wrong; it is only handed out when no error was reported.</remarks>
internal static class SpecBinder
{
    private static readonly string[] RootKeys =
        ["name", "description", "objectives", "policies", "prompts", "models", "defaults", "moderation", "evals", "gates", "datasets", "store", "routes"];

    private static readonly string[] DefaultsKeys = ["model", "prompt"];

    public static TailorSpec? Bind(SpecReadContext context, SourceNode root)
    {
        MappingReader? spec = MappingReader.Open(context, root, "",
            "a mapping at the top level (name:, objectives:, policies:, prompts:, models:, ...)", RootKeys);
        if (spec is null)
        {
            return null;
        }

        var references = new References();
        var clauses = new ClauseBinder(context);
        var evals = new EvalsBinder(context);

        string name = spec.Text("name", required: true, "every spec has a name, e.g. name: support-bot") ?? "";
        IReadOnlyList<Objective> objectives = clauses.ReadObjectives(spec);
        IReadOnlyList<Policy> policies = clauses.ReadPolicies(spec);
        IReadOnlyDictionary<string, PromptSpec> prompts = new PromptBinder(context).Read(spec);
        IReadOnlyDictionary<string, ModelSpec> models = new ModelBinder(context, references).Read(spec);
        DefaultsSpec defaults = ReadDefaults(spec, references);
        ModerationSpec moderation = new ModerationBinder(context, references).Read(spec);
        EvalsSpec evalsSpec = evals.ReadEvals(spec);
        IReadOnlyList<string> datasets = evals.ReadDatasets(spec);
        IReadOnlyList<GateSpec> gates = new GateBinder(context, references).Read(spec);
        StoreSpec store = new StoreBinder(context).Read(spec);
        IReadOnlyDictionary<string, RouteSpec> routes = new RouteBinder(context, references).Read(spec);

        references.Check(context, prompts.Keys.ToArray(), models.Keys.ToArray(), clauses.Ids, evals.SuiteIds);

        return new TailorSpec
        {
            SourcePath = context.FullPath,
            Name = name,
            Description = spec.Text("description"),
            Objectives = objectives,
            Policies = policies,
            Prompts = prompts,
            Models = models,
            Defaults = defaults,
            Moderation = moderation,
            Evals = evalsSpec,
            Gates = gates,
            Datasets = datasets,
            Store = store,
            Routes = routes,
        };
    }

    private static DefaultsSpec ReadDefaults(MappingReader spec, References references)
    {
        MappingReader? defaults = spec.Mapping("defaults", "the defaults (model:, prompt:)", DefaultsKeys);
        if (defaults is null)
        {
            return new DefaultsSpec();
        }

        SourceScalar? model = defaults.Scalar("model");
        SourceScalar? prompt = defaults.Scalar("prompt");
        if (model is not null)
        {
            references.Expect(ReferenceKind.Model, model, defaults.Field("model"));
        }

        if (prompt is not null)
        {
            references.Expect(ReferenceKind.Prompt, prompt, defaults.Field("prompt"));
        }

        return new DefaultsSpec { Model = model?.Value, Prompt = prompt?.Value };
    }
}
