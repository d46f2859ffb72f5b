using System.CommandLine;
using Tailor.Spec;
using Tailor.Tuning;
using Tailor.Tuning.Registry;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor models ...</c>: the model registry: every model a tuning job produced or a user imported, with its lineage;
/// promote one to a model alias of tailor.yaml, roll the alias back.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("models", "The model registry: list, show lineage, promote to an alias of tailor.yaml, roll back, import");
        command.Subcommands.Add(ModelsListCommand.Create(env));
        command.Subcommands.Add(ModelsShowCommand.Create(env));
        command.Subcommands.Add(ModelsPromoteCommand.CreatePromote(env));
        command.Subcommands.Add(ModelsPromoteCommand.CreateRollback(env));
        command.Subcommands.Add(ModelsImportCommand.Create(env));
        return command;
    }

    /// <summary>The aliases of <paramref name="spec"/> that serve <paramref name="model"/> right now.</summary>
    public static IReadOnlyList<string> AliasesServing(TailorSpec spec, RegisteredModel model)
    {
        bool Same(string? a, string? b) => a is not null && b is not null && spec.ResolvePath(a) == spec.ResolvePath(b);
        return [.. spec.Models.Values.Where(alias => model.Kind switch
        {
            TuningOutputKind.Gguf => alias.Provider == "local" && Same(alias.Path, model.Reference) && alias.Adapters.Count == 0,
            TuningOutputKind.LoraAdapter => alias.Provider == "local" && Same(alias.Path, model.BaseReference) && alias.Adapters.Any(a => Same(a, model.Reference)),
            _ => alias.Provider == model.Provider && alias.Model == model.Reference,
        }).Select(alias => alias.Alias)];
    }

    /// <summary>A registered model for scripts.</summary>
    public static object Json(RegisteredModel model, IReadOnlyList<string> serves) => new
    {
        model.Id,
        Source = model.Source.ToString().ToLowerInvariant(),
        Kind = Kind(model.Kind),
        model.Provider,
        model.Reference,
        model.BaseReference,
        BaseUrl = model.BaseUrl?.AbsoluteUri,
        model.ApiKeyEnv,
        model.JobId,
        model.Sha256,
        model.Bytes,
        model.Description,
        model.CreatedAt,
        Serves = serves,
        model.Lineage,
    };

    public static string Kind(TuningOutputKind kind) => kind switch
    {
        TuningOutputKind.Gguf => "gguf",
        TuningOutputKind.LoraAdapter => "lora-adapter",
        _ => "hosted",
    };
}
