using System.CommandLine;
using Microsoft.Extensions.AI;
using Tailor.Chat;
using Tailor.Cli.Rendering;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Cli;

/// <summary>The Tailor project a command works on: its spec, its store, its models.</summary>
internal sealed class Project
{
    private Project(TailorSpec spec, CliEnvironment env)
    {
        Spec = spec;
        Env = env;
    }

    public TailorSpec Spec { get; }
    public CliEnvironment Env { get; }

    /// <summary>
    /// Finds tailor.yaml (from <c>--project</c> or upward from the working directory) and loads it; a spec with errors
    /// stops the command. Only errors are printed here: warnings belong to <c>tailor spec check</c>, not to every command.
    /// </summary>
    public static Project Load(ParseResult parse, CliEnvironment env)
    {
        string path = Locate(parse.GetValue(TailorCli.ProjectOption), env);
        var result = SpecLoader.Load(path);
        DiagnosticRenderer.Write(env.Error, result.Diagnostics.Where(d => d.Severity == SpecSeverity.Error), env.WorkingDirectory);
        if (result.HasErrors || result.Spec is null)
        {
            throw new CliException(
                $"{Path.GetRelativePath(env.WorkingDirectory, path)} has errors; fix them first.",
                "run 'tailor spec check' to see them all");
        }
        return new Project(result.Spec, env);
    }

    /// <summary>The tailor.yaml a command should use.</summary>
    public static string Locate(string? projectOption, CliEnvironment env)
    {
        if (projectOption is not null)
        {
            string full = Path.GetFullPath(Path.Combine(env.WorkingDirectory, projectOption));
            if (Directory.Exists(full))
            {
                full = Path.Combine(full, "tailor.yaml");
            }
            if (!File.Exists(full))
            {
                throw new CliException($"no tailor.yaml at {full}", "pass --project the path of tailor.yaml or of its directory");
            }
            return full;
        }
        return SpecLocator.Find(env.WorkingDirectory)
            ?? throw new CliException(
                $"no tailor.yaml in {env.WorkingDirectory} or any directory above it",
                "run 'tailor init' to create a project, or pass --project");
    }

    /// <summary>Opens the store the spec names, SQLite or PostgreSQL, with interactions, feedback and keys.</summary>
    public async Task<IGatewayStore> OpenGatewayStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GatewayStores.OpenAsync(Spec, Env.GetEnvironmentVariable, Env.TimeProvider, cancellationToken);
        }
        catch (InvalidOperationException e) when (Spec.Store.Provider == "postgres")
        {
            throw new CliException(e.Message, $"export {Spec.Store.ConnectionStringEnv ?? "TAILOR_POSTGRES"}=\"Host=...;Database=...;Username=...\"");
        }
        catch (StoreUnavailableException e) when (Spec.Store.Provider == "postgres")
        {
            throw new CliException(e.Message, "check that the PostgreSQL server is running and the connection string is right", ExitCodes.CheckFailed);
        }
    }

    /// <summary>The provider context commands build model clients with.</summary>
    public ProviderContext ProviderContext => new()
    {
        ProjectDirectory = Spec.ProjectDirectory,
        GetEnvironmentVariable = Env.GetEnvironmentVariable,
        TimeProvider = Env.TimeProvider,
    };

    /// <summary>The model alias to use: the one asked for, else the spec's default, else the only one.</summary>
    public ModelSpec ResolveModel(string? alias)
    {
        alias ??= Spec.Defaults.Model ?? (Spec.Models.Count == 1 ? Spec.Models.Keys.First() : null);
        if (alias is null)
        {
            throw new CliException(
                "no model named and the spec has no default",
                Spec.Models.Count == 0 ? "add a model under 'models:' in tailor.yaml" : $"pass --model one of: {string.Join(", ", Spec.Models.Keys)}; or set defaults.model");
        }
        if (!Spec.Models.TryGetValue(alias, out var model))
        {
            throw new CliException(
                $"no model alias '{alias}' in {Path.GetFileName(Spec.SourcePath)}",
                Spec.Models.Count == 0 ? "add it under 'models:'" : $"known aliases: {string.Join(", ", Spec.Models.Keys)}");
        }
        return model;
    }

    /// <summary>A chat pipeline for <paramref name="model"/> that records every exchange in <paramref name="sink"/>.</summary>
    public IChatClient CreateChatClient(ModelSpec model, IInteractionSink sink, string source)
    {
        var context = new ProviderContext
        {
            ProjectDirectory = Spec.ProjectDirectory,
            GetEnvironmentVariable = Env.GetEnvironmentVariable,
            TimeProvider = Env.TimeProvider,
        };
        return ChatPipeline.Create(Spec, model, new ChatPipelineOptions
        {
            Providers = Env.Providers,
            ProviderContext = context,
            Sink = sink,
            Source = source,
            TimeProvider = Env.TimeProvider,
        });
    }
}
