using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;
using Tailor.Local.Gguf;
using Tailor.Tuning;
using Tailor.Tuning.Export;
using Tailor.Tuning.Registry;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor models import &lt;file-or-hosted-id&gt;</c>: brings a model made outside <c>tailor tune</c> into the registry:
/// a GGUF or a LoRA adapter (with <c>--base</c>) an external trainer produced, with the lineage of its
/// <c>tailor tune export</c> when <c>--export</c> names it; or a hosted model id (with <c>--provider</c>).
/// </summary>
internal static class ModelsImportCommand
{
    public static Command Create(CliEnvironment env)
    {
        var reference = new Argument<string>("model") { Description = "A GGUF file (a model or a LoRA adapter), or a hosted model id with --provider" };
        var baseModel = new Option<string?>("--base") { Description = "For a LoRA adapter: the base GGUF it applies to" };
        var name = new Option<string?>("--name") { Description = "Names the model (its id is made from it; default: the file or model name)" };
        var id = new Option<string?>("--id") { Description = "The exact registry id to give it (lowercase letters, digits, '.', '_', '-')" };
        var export = new Option<string?>("--export") { Description = "The directory 'tailor tune export' wrote: its lineage.json becomes the model's lineage" };
        var provider = new Option<string?>("--provider") { Description = "For a hosted id: who serves it, mistral, openai or openai-compatible" };
        provider.AcceptOnlyFromAmong("mistral", "openai", "openai-compatible");
        var baseUrl = new Option<string?>("--base-url") { Description = "For a hosted id: the API root (required for openai-compatible)" };
        var keyEnv = new Option<string?>("--api-key-env") { Description = "For a hosted id: the environment variable holding its key" };
        var description = new Option<string?>("--description") { Description = "A sentence about the model" };
        var json = TuneCommand.JsonOption("the registered model");
        var command = new Command("import", "Register a model made elsewhere: a GGUF or LoRA adapter (--base), or a hosted model id (--provider)");
        command.Arguments.Add(reference);
        foreach (Option option in new Option[] { baseModel, name, id, export, provider, baseUrl, keyEnv, description, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var given = new Given(parse.GetValue(reference)!, parse.GetValue(baseModel), parse.GetValue(provider), parse.GetValue(baseUrl), parse.GetValue(keyEnv));
                string? exact = parse.GetValue(id);
                if (exact is not null && TuningIds.Slug(exact) != exact)
                {
                    throw new CliException($"--id '{exact}' is not a registry id", $"use lowercase letters, digits, '.', '_' and '-', e.g. {TuningIds.Slug(exact)}");
                }

                var lineage = parse.GetValue(export) is { } directory ? ReadLineage(env, directory) : new ModelLineage();
                var import = Describe(workspace, given, lineage) with
                {
                    Id = exact,
                    Name = parse.GetValue(name),
                    Description = parse.GetValue(description),
                };
                RegisteredModel model;
                try
                {
                    model = await workspace.Manager.Registry.ImportAsync(import, ct);
                }
                catch (InvalidOperationException e)
                {
                    throw new CliException($"cannot register it: {e.Message}", exact is null ? null : "choose another --id; 'tailor models list' shows the ids in use");
                }

                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(ModelsCommand.Json(model, ModelsCommand.AliasesServing(workspace.Project.Spec, model)), CliJson.Indented));
                }
                else
                {
                    env.Out.MarkupLine($"[green]registered[/] [bold]{Markup.Escape(model.Id)}[/] ({ModelsCommand.Kind(model.Kind)}, {Markup.Escape(model.Reference)})");
                    env.Out.MarkupLine($"[grey]next:[/] tailor models promote <alias> {Markup.Escape(model.Id)}");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private sealed record Given(string Reference, string? Base, string? Provider, string? BaseUrl, string? KeyEnv);

    /// <summary>What is being imported: a file (checked to be a GGUF, hashed) or a hosted id.</summary>
    private static ModelImport Describe(TuneWorkspace workspace, Given given, ModelLineage lineage)
    {
        var env = workspace.Env;
        string full = Path.GetFullPath(Path.Combine(env.WorkingDirectory, given.Reference));
        if (File.Exists(full))
        {
            if (given.Provider is not null || given.BaseUrl is not null || given.KeyEnv is not null)
            {
                throw new CliException("--provider, --base-url and --api-key-env are for hosted model ids; a file is served by the local engine");
            }

            bool adapter = IsAdapter(full, given.Reference);
            string? baseReference = null;
            if (given.Base is { } basePath)
            {
                if (!adapter)
                {
                    throw new CliException($"{given.Reference} is a whole model, not a LoRA adapter, so it takes no --base");
                }

                string baseFull = Path.GetFullPath(Path.Combine(env.WorkingDirectory, basePath));
                if (!File.Exists(baseFull))
                {
                    throw new CliException($"--base: no file at {basePath}", "give the base GGUF the adapter was trained over");
                }

                IsAdapter(baseFull, basePath);
                baseReference = workspace.FromUser(basePath);
            }
            else if (adapter)
            {
                throw new CliException($"{given.Reference} is a LoRA adapter", "pass --base <the GGUF it was trained over>");
            }

            var (sha, bytes) = Hash(full);
            return new ModelImport
            {
                Kind = adapter ? TuningOutputKind.LoraAdapter : TuningOutputKind.Gguf,
                Provider = "local",
                Reference = workspace.FromUser(given.Reference),
                BaseReference = baseReference,
                Sha256 = sha,
                Bytes = bytes,
                Lineage = lineage with { ImportedFrom = workspace.FromUser(given.Reference), BaseReference = lineage.BaseReference ?? baseReference },
            };
        }

        if (given.Provider is not { } provider)
        {
            throw new CliException($"no file at {given.Reference}",
                given.Reference.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || given.Reference.Contains('/', StringComparison.Ordinal)
                    ? "check the path"
                    : "to register a hosted model id, say who serves it: --provider mistral, openai or openai-compatible");
        }

        if (given.Base is not null)
        {
            throw new CliException("--base is for LoRA adapter files; a hosted model needs none");
        }

        Uri? url = null;
        if (given.BaseUrl is { } text && !(Uri.TryCreate(text, UriKind.Absolute, out url) && url.Scheme is "http" or "https"))
        {
            throw new CliException($"--base-url: '{text}' is not an http(s) URL", "write the API root, e.g. http://localhost:8080/v1");
        }

        if (provider == "openai-compatible" && url is null)
        {
            throw new CliException("an openai-compatible model needs --base-url", "give the server's OpenAI API root, e.g. http://localhost:8080/v1");
        }

        return new ModelImport
        {
            Kind = TuningOutputKind.Hosted,
            Provider = provider,
            Reference = given.Reference,
            BaseUrl = url,
            ApiKeyEnv = given.KeyEnv,
            Lineage = lineage,
        };
    }

    /// <summary>True for a LoRA adapter GGUF, false for a model; anything that is not a GGUF is a usage error.</summary>
    private static bool IsAdapter(string full, string shown)
    {
        try
        {
            using var file = GgufFile.Open(full);
            return file.Metadata.GetString(GgufKeys.Type) == "adapter";
        }
        catch (Exception e) when (e is GgufFormatException or EndOfStreamException or IOException)
        {
            throw new CliException($"{shown} is not a GGUF file: {e.Message}", "convert the trainer's output with llama.cpp's convert_hf_to_gguf.py (or convert_lora_to_gguf.py for an adapter)");
        }
    }

    private static (string Sha256, long Bytes) Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return (Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }

    private static ModelLineage ReadLineage(CliEnvironment env, string directory)
    {
        string path = Path.Combine(Path.GetFullPath(Path.Combine(env.WorkingDirectory, directory)), TrainerExport.LineageFile);
        if (!File.Exists(path))
        {
            throw new CliException($"--export: no {TrainerExport.LineageFile} in {directory}", "give the directory 'tailor tune export --out' wrote");
        }

        try
        {
            return JsonSerializer.Deserialize<ModelLineage>(File.ReadAllText(path), TuningJson.Options)
                ?? throw new CliException($"{Path.Combine(directory, TrainerExport.LineageFile)} is empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"{Path.Combine(directory, TrainerExport.LineageFile)}:{e.LineNumber + 1}: {e.Path}: {e.Message}", "it is the file 'tailor tune export' wrote; restore it or export again");
        }
    }
}
