using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Data.Tokens;
using Tailor.Local.Tuning;
using Tailor.Spec;
using Tailor.Tuning;
using Tailor.Tuning.Backends.Mistral;
using Tailor.Tuning.Backends.OpenAI;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune start</c>: pre-flight (the dataset validator on every line, in the backend's format; mandatory, and
/// blocking on errors unless <c>--force</c>), then a dry run's estimate or the job itself, on this machine or at a vendor.
/// Exit 0 started (or, with <c>--watch</c>, succeeded), 1 pre-flight blocked or the watched job did not succeed, 2 bad usage.
/// </summary>
internal static class TuneStartCommand
{
    public static Command Create(CliEnvironment env)
    {
        var backend = TuneCommand.BackendOption("Where to train: local (this machine), mistral or openai");
        var baseModel = new Option<string?>("--base") { Description = "The model to start from: a model alias of tailor.yaml, a GGUF file (local), or a vendor model id" };
        var from = new Option<string?>("--from") { Description = "Repeat the recipe of a job (or of the job that made a registered model); options given here replace its settings" };
        var baseUrl = new Option<string?>("--base-url") { Description = "The hosted fine-tuning API's root (default: the base alias's base_url, else the vendor's)" };
        var keyEnv = new Option<string?>("--api-key-env") { Description = "The environment variable holding the hosted API key (default: MISTRAL_API_KEY or OPENAI_API_KEY)" };
        var noAutoStart = new Option<bool>("--no-auto-start") { Description = "Mistral: validate the data and wait; 'tailor tune resume' starts the training" };
        var prices = new Option<string[]>("--price-per-million") { Description = "model=price: hosted price per million trained tokens, for the estimate (repeatable)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the data and print the time and cost estimate; start nothing" };
        var force = new Option<bool>("--force") { Description = "Start even when pre-flight finds errors, leaving the rejected lines out" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the job until it ends, with a live loss chart on a terminal" };
        var interval = TuneCommand.IntervalOption();
        var json = new Option<bool>("--json") { Description = "Print the job (or the dry run) as JSON" };
        var settings = new TuneSettings();

        var command = new Command("start", "Check the data (pre-flight) and start a tuning job: local trainer, Mistral or OpenAI fine-tuning");
        foreach (Option option in new Option[] { backend, baseModel, from, baseUrl, keyEnv, noAutoStart, prices, dryRun, force, watch, interval, json })
        {
            command.Options.Add(option);
        }

        settings.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var every = TuneWorkspace.ParseInterval(parse.GetValue(interval));
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, ParsePrices(parse.GetValue(prices)), ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var recipe = parse.GetValue(from) is { } reference ? await RecipeAsync(workspace, reference, ct) : null;
                var draft = Draft(workspace, parse, settings, recipe, new Given(
                    parse.GetValue(backend), parse.GetValue(baseModel), parse.GetValue(baseUrl), parse.GetValue(keyEnv), parse.GetValue(noAutoStart), parse.GetValue(force), parse.GetValue(dryRun)));
                return await RunAsync(workspace, draft, recipe, parse.GetValue(dryRun),
                    parse.GetValue(watch) ? every ?? TuneWorkspace.DefaultInterval(draft.Backend) : null, parse.GetValue(json), ct);
            });
        });
        return command;
    }

    /// <summary>What the command line said about where and from what to train.</summary>
    private sealed record Given(string? Backend, string? Base, string? BaseUrl, string? KeyEnv, bool NoAutoStart, bool Force, bool DryRun);

    private static async Task<int> RunAsync(TuneWorkspace workspace, TuningJobDraft draft, TuningRequest? recipe, bool dryRun, TimeSpan? watch, bool json, CancellationToken ct)
    {
        var env = workspace.Env;
        var manager = workspace.Manager;
        var preparation = await manager.PrepareAsync(draft, Counter(workspace, draft), ct);
        TuneViews.Write(env.Error, preparation.Preflight, draft.Force);
        WarnIfChanged(env, preparation.Preflight.Files.Select(f => f.File), recipe);
        if (preparation.IsBlocked)
        {
            TuningJobManager.Discard(preparation);
            if (json)
            {
                env.WriteRawLine(JsonSerializer.Serialize(new { Started = false, Preflight = TuneViews.Json(preparation.Preflight) }, CliJson.Indented));
            }

            TailorCli.WriteError(env, "pre-flight found errors in the data, so the job was not started",
                "fix the lines named above ('tailor data validate --fix' splits them off), or pass --force to train without them");
            return ExitCodes.CheckFailed;
        }

        if (dryRun)
        {
            TuningDryRun estimate;
            try
            {
                estimate = await manager.DryRunAsync(preparation, ct);
            }
            finally
            {
                TuningJobManager.Discard(preparation);
            }

            if (json)
            {
                env.WriteRawLine(JsonSerializer.Serialize(TuneViews.Json(draft.Backend, estimate, preparation.Preflight), CliJson.Indented));
            }
            else
            {
                TuneViews.Write(env.Out, draft.Backend, estimate);
            }

            return ExitCodes.Ok;
        }

        var job = await manager.StartAsync(preparation, ct);
        if (watch is { } interval)
        {
            return await TuneWatch.FollowAsync(workspace, job, interval, json, ct);
        }

        if (json)
        {
            env.WriteRawLine(JsonSerializer.Serialize(TuneViews.Json(job), CliJson.Indented));
            return ExitCodes.Ok;
        }

        env.Out.MarkupLine($"[green]started[/] [bold]{Markup.Escape(job.Id)}[/] on {Markup.Escape(job.Backend)}: {Markup.Escape(job.Request.BaseModel)}, " +
            Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{job.Request.TrainingFiles.Sum(f => f.Examples):N0} training examples")));
        if (job.Estimate is { } e)
        {
            env.Out.MarkupLine($"estimate: {Markup.Escape(TuneViews.Estimate(e))}");
        }

        env.Out.MarkupLine($"[grey]follow it:[/] tailor tune status {Markup.Escape(job.Id)} --watch");
        return ExitCodes.Ok;
    }

    /// <summary>The draft from the command line, on top of a recipe when <c>--from</c> named one.</summary>
    private static TuningJobDraft Draft(TuneWorkspace workspace, ParseResult parse, TuneSettings settings, TuningRequest? recipe, Given given)
    {
        string backend = given.Backend ?? recipe?.Backend
            ?? throw new CliException("--backend is required", "pass --backend local (this machine), mistral or openai");
        var env = workspace.Env;
        var training = settings.ReadTraining(parse, env)
            ?? recipe?.TrainingFiles.Select(f => new TuningDataSource(f.Path, f.Weight)).ToList()
            ?? [.. workspace.Project.Spec.Datasets.Select(d => new TuningDataSource(d))];
        var validation = settings.ReadValidation(parse, env)
            ?? recipe?.ValidationFiles.Select(f => new TuningDataSource(f.Path, f.Weight)).ToList()
            ?? [];
        var hyper = recipe is null ? settings.Read(parse) : settings.Read(parse, recipe.Hyperparameters);
        var (baseName, baseReference, baseUrl, keyEnv) = given.Base is { } named
            ? ResolveBase(workspace, backend, named)
            : recipe is not null
                ? (recipe.BaseModel, recipe.BaseReference, recipe.BaseUrl, recipe.ApiKeyEnv)
                : throw new CliException("--base is required", BaseHint(workspace, backend));
        if (given.BaseUrl is { } url)
        {
            baseUrl = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new CliException($"--base-url: '{url}' is not an http(s) URL", "write the API root, e.g. https://api.mistral.ai/v1");
        }

        keyEnv = given.KeyEnv ?? keyEnv;
        // every hosted call needs the key; OpenAI's dry run makes none (it has no dry-run endpoint)
        if (backend != LocalTuningBackend.BackendName && !(given.DryRun && backend == OpenAITuningBackend.BackendName))
        {
            string variable = keyEnv ?? (backend == MistralTuningBackend.BackendName ? "MISTRAL_API_KEY" : "OPENAI_API_KEY");
            if (string.IsNullOrWhiteSpace(env.GetEnvironmentVariable(variable)))
            {
                throw new CliException($"{variable} is not set: the {backend} backend needs an API key",
                    $"export {variable}=<your {backend} API key>; keys are read from the environment, never from tailor.yaml");
            }
        }

        return new TuningJobDraft
        {
            Backend = backend,
            BaseModel = baseName,
            BaseReference = baseReference,
            TrainingFiles = training,
            ValidationFiles = validation,
            Hyperparameters = hyper,
            Suffix = parse.GetValue(settings.Suffix) ?? recipe?.Suffix,
            AutoStart = !given.NoAutoStart,
            BaseUrl = baseUrl,
            ApiKeyEnv = keyEnv,
            Force = given.Force,
        };
    }

    /// <summary>
    /// What <c>--base</c> names for <paramref name="backend"/>: a model alias (its file for the local trainer, its model id
    /// and endpoint for a vendor), else a GGUF file (local) or a vendor's model id as written.
    /// </summary>
    private static (string Name, string Reference, Uri? BaseUrl, string? KeyEnv) ResolveBase(TuneWorkspace workspace, string backend, string name)
    {
        var spec = workspace.Project.Spec;
        bool local = backend == LocalTuningBackend.BackendName;
        if (spec.Models.TryGetValue(name, out var alias))
        {
            return local ? (name, LocalFile(workspace, alias), null, null) : (name, HostedModel(backend, alias), alias.BaseUrl, alias.ApiKeyEnv);
        }

        if (!local)
        {
            return (name, name, null, null);
        }

        string full = Path.GetFullPath(Path.Combine(workspace.Env.WorkingDirectory, name));
        if (!File.Exists(full))
        {
            throw new CliException($"--base: '{name}' is neither a model alias of {Path.GetFileName(spec.SourcePath)} nor a file", BaseHint(workspace, backend));
        }

        string reference = workspace.FromUser(name);
        return (reference, reference, null, null);
    }

    private static string LocalFile(TuneWorkspace workspace, ModelSpec alias)
    {
        if (alias.Provider != "local" || alias.Path is null)
        {
            throw new CliException($"--base: model '{alias.Alias}' is served by {alias.Provider}; the local trainer starts from a GGUF file",
                "pass --base a model alias with provider: local, or a .gguf file; or train at the vendor with --backend mistral|openai");
        }

        if (alias.Adapters.Count > 0)
        {
            throw new CliException($"--base: model '{alias.Alias}' is a base with LoRA adapters; the trainer starts from one GGUF",
                "merge the adapter first (tune with --merge), or start from the base file itself");
        }

        if (!File.Exists(workspace.Project.Spec.ResolvePath(alias.Path)))
        {
            throw new CliException($"--base: model '{alias.Alias}' points at {alias.Path}, which does not exist yet",
                "make it first ('tailor model create' makes a tiny one), or start from another model");
        }

        return alias.Path;
    }

    private static string HostedModel(string backend, ModelSpec alias)
    {
        bool fits = backend == MistralTuningBackend.BackendName ? alias.Provider == "mistral" : alias.Provider is "openai" or "openai-compatible";
        return fits && alias.Model is { } model
            ? model
            : throw new CliException($"--base: model '{alias.Alias}' is served by {alias.Provider}, not by {backend}",
                $"pass --base a {backend} model alias or the vendor's model id (e.g. {(backend == MistralTuningBackend.BackendName ? "open-mistral-7b" : "gpt-4o-mini-2024-07-18")})");
    }

    private static string BaseHint(TuneWorkspace workspace, string backend)
    {
        var spec = workspace.Project.Spec;
        var fitting = spec.Models.Values.Where(m => backend == LocalTuningBackend.BackendName ? m.Provider == "local"
            : backend == MistralTuningBackend.BackendName ? m.Provider == "mistral" : m.Provider is "openai" or "openai-compatible").Select(m => m.Alias).ToList();
        string what = backend == LocalTuningBackend.BackendName ? "a GGUF file" : "the vendor's model id";
        return fitting.Count > 0 ? $"pass --base one of the aliases {string.Join(", ", fitting)}, or {what}" : $"pass --base {what}";
    }

    /// <summary>The token counter pre-flight uses: the base model's own tokenizer for the local trainer, an estimate for vendors.</summary>
    private static ITokenCounter Counter(TuneWorkspace workspace, TuningJobDraft draft)
    {
        if (draft.Backend != LocalTuningBackend.BackendName)
        {
            return new TiktokenEstimateCounter();
        }

        string path = workspace.Project.Spec.ResolvePath(draft.BaseReference);
        if (!File.Exists(path))
        {
            throw new CliException($"no base model file at {workspace.Display(draft.BaseReference)}", "pass --base a local model alias or a GGUF file that exists");
        }

        return DataLocalTokenCounter.Load(path, Path.GetFileName(path));
    }

    /// <summary>The recipe of a job, or of the job a registered model came from.</summary>
    private static async Task<TuningRequest> RecipeAsync(TuneWorkspace workspace, string reference, CancellationToken ct)
    {
        try
        {
            return (await workspace.Manager.ResolveAsync(reference, ct)).Request;
        }
        catch (TuningException notAJob)
        {
            Tailor.Tuning.Registry.RegisteredModel model;
            try
            {
                model = await workspace.Manager.Registry.ResolveAsync(reference, ct);
            }
            catch (TuningException)
            {
                throw new CliException($"--from: {notAJob.Message}, nor a registered model", "'tailor tune list' shows the jobs, 'tailor models list' the models");
            }

            return model.Lineage.Recipe
                ?? throw new CliException($"--from: model {model.Id} has no recipe to repeat (it was imported)", "start a job with --backend, --base and --train");
        }
    }

    /// <summary>With <c>--from</c>: says which data files are no longer the bytes the recipe trained on.</summary>
    private static void WarnIfChanged(CliEnvironment env, IEnumerable<TuningDataFile> files, TuningRequest? recipe)
    {
        if (recipe is null)
        {
            return;
        }

        var before = recipe.TrainingFiles.Concat(recipe.ValidationFiles).ToDictionary(f => (f.Path, f.Role), f => f.Sha256);
        foreach (var file in files)
        {
            if (before.TryGetValue((file.Path, file.Role), out string? hash) && hash != file.Sha256)
            {
                env.Error.MarkupLine($"[yellow]note:[/] {Markup.Escape(file.Path)} changed since the recipe's run (sha256 {Markup.Escape(hash[..12])}, now {Markup.Escape(file.Sha256[..12])})");
            }
        }
    }

    /// <summary><c>--price-per-million model=price</c>, repeatable.</summary>
    private static Dictionary<string, decimal>? ParsePrices(string[]? values)
    {
        if (values is not { Length: > 0 })
        {
            return null;
        }

        var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.LastIndexOf('=');
            if (equals <= 0 || !decimal.TryParse(value.AsSpan(equals + 1), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal price) || price < 0)
            {
                throw new CliException($"--price-per-million: '{value}' is not model=price", "write e.g. --price-per-million open-mistral-7b=2");
            }

            prices[value[..equals]] = price;
        }

        return prices;
    }
}
