using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Tailor.Cli.Rendering;
using Tailor.Evals.Judging;
using Tailor.Evals.Reports;
using Tailor.Evals.Results;
using Tailor.Evals.Running;
using Tailor.Evals.Suites;
using Tailor.Moderation;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Cli.Commands;

/// <summary>
/// What the <c>tailor eval</c> commands share: the project, its stores (interactions and evals, one SQLite
/// file), suites by id or path, model pipelines behind the response cache, run references, report files.
/// </summary>
internal sealed class EvalWorkspace : IAsyncDisposable
{
    private readonly Dictionary<string, IChatClient> _judges = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _clients = [];
    private readonly Lock _gate = new();
    private Moderator? _moderator;

    private EvalWorkspace(Project project, IInteractionStore interactions, SqliteEvalStore evals)
    {
        Project = project;
        Interactions = interactions;
        Recorder = new BufferedInteractionSink(interactions);
        Evals = evals;
    }

    public Project Project { get; }
    public TailorSpec Spec => Project.Spec;
    public CliEnvironment Env => Project.Env;
    public IInteractionStore Interactions { get; }

    /// <summary>Where the run's model and judge calls are recorded: durable at each results commit (see <see cref="EvalRunnerOptions.FlushRecordings"/>) and at dispose.</summary>
    public BufferedInteractionSink Recorder { get; }
    public SqliteEvalStore Evals { get; }

    /// <summary>The application's moderation layer, built from the spec the first time a <c>moderation</c> scorer needs it.</summary>
    public Moderator Moderator
    {
        get
        {
            lock (_gate)
            {
                return _moderator ??= ModeratorFactory.Create(Spec, Env.Providers, Project.ProviderContext);
            }
        }
    }

    /// <summary>
    /// Loads the project and opens its stores: the eval runner's calls are recorded in the spec's store (SQLite or
    /// PostgreSQL, like the gateway's traffic); runs and results live in the SQLite file of <c>store.path</c>
    /// (<c>.tailor/tailor.db</c> by default), also when interactions go to PostgreSQL.
    /// </summary>
    public static async Task<EvalWorkspace> OpenAsync(ParseResult parse, CliEnvironment env, CancellationToken ct)
    {
        var project = Project.Load(parse, env);
        var interactions = await project.OpenGatewayStoreAsync(ct);
        try
        {
            var evals = SqliteEvalStore.Open(project.Spec.ResolvePath(project.Spec.Store.Path), env.TimeProvider);
            return new EvalWorkspace(project, interactions, evals);
        }
        catch
        {
            await interactions.DisposeAsync();
            throw;
        }
    }

    /// <summary>The suites to run: each <paramref name="names"/> item is a suite id from tailor.yaml or a suite file; none means every suite of the spec.</summary>
    public List<EvalSuite> LoadSuites(IReadOnlyList<string> names)
    {
        var specSuites = Spec.Evals.Suites;
        if (names.Count == 0 && specSuites.Count == 0)
        {
            throw new CliException("tailor.yaml lists no eval suites", "add one under 'evals: suites: [evals/smoke.yaml]', or pass --suite <file>");
        }

        var paths = new List<string>();
        if (names.Count == 0)
        {
            paths.AddRange(specSuites);
        }
        else
        {
            foreach (string name in names)
            {
                string? byId = specSuites.FirstOrDefault(s => SuiteId(s) == name);
                if (byId is not null)
                {
                    paths.Add(byId);
                }
                else if (!Path.IsPathRooted(name) && File.Exists(Path.Combine(Spec.ProjectDirectory, name)) && !File.Exists(Path.Combine(Env.WorkingDirectory, name)))
                {
                    paths.Add(name);
                }
                else if (File.Exists(Path.Combine(Env.WorkingDirectory, name)))
                {
                    paths.Add(Path.GetRelativePath(Spec.ProjectDirectory, Path.GetFullPath(Path.Combine(Env.WorkingDirectory, name))));
                }
                else
                {
                    var ids = specSuites.Select(SuiteId).OfType<string>().ToList();
                    throw new CliException($"no suite '{name}': not a suite id in tailor.yaml nor a file",
                        ids.Count == 0 ? "pass the path of a suite file" : $"suites: {string.Join(", ", ids)}");
                }
            }
        }

        var suites = new List<EvalSuite>();
        bool errors = false;
        foreach (string path in paths)
        {
            var loaded = SuiteLoader.Load(path, Spec.ProjectDirectory, Spec);
            DiagnosticRenderer.Write(Env.Error, loaded.Diagnostics.Select(d => d with { File = Path.Combine(Spec.ProjectDirectory, d.File) }), Env.WorkingDirectory);
            if (loaded.HasErrors)
            {
                errors = true;
            }
            else
            {
                suites.Add(loaded.Suite!);
            }
        }

        if (errors)
        {
            throw new CliException("the suite has errors; fix them first", "each is shown above as file:line:column with a hint");
        }

        return suites;
    }

    private string? SuiteId(string path)
    {
        var result = SuiteLoader.Load(path, Spec.ProjectDirectory);
        return result.Suite?.Id ?? Path.GetFileNameWithoutExtension(path);
    }

    /// <summary>The model under test: its recording pipeline (source <c>eval</c>), behind the disk cache unless <paramref name="noCache"/>.</summary>
    public EvalTarget Target(string alias, bool noCache, int? maxRetries)
    {
        ModelSpec model = Project.ResolveModel(alias);
        if (maxRetries is { } retries)
        {
            model = model with { Options = model.Options with { MaxRetries = retries } };
        }

        IChatClient client = Project.CreateChatClient(model, Recorder, "eval");
        Track(client);
        string? version = Spec.PromptFor(model)?.Version;
        if (!noCache)
        {
            client = client.AsBuilder().UseResponseCache(Cache(), Scope(model, version)).Build();
        }

        return new EvalTarget(model.Alias, client) { ModelId = model.Model ?? model.Path, PromptVersion = version };
    }

    /// <summary>The judge for an alias: recorded with source <c>eval-judge</c>, cached with the judge prompts' version.</summary>
    public IChatClient Judge(string alias, bool noCache)
    {
        lock (_gate)
        {
            if (_judges.TryGetValue(alias, out var existing))
            {
                return existing;
            }

            ModelSpec model = Project.ResolveModel(alias);
            IChatClient client = Project.CreateChatClient(model, Recorder, "eval-judge");
            Track(client);
            if (!noCache)
            {
                client = client.AsBuilder().UseResponseCache(Cache(), Scope(model, Spec.PromptFor(model)?.Version) + "|judge-prompts:" + JudgePrompts.Version).Build();
            }

            _judges[alias] = client;
            return client;
        }
    }

    private DiskResponseCache Cache() =>
        new(Path.Combine(Path.GetDirectoryName(Spec.ResolvePath(Spec.Store.Path))!, "cache", "responses"), timeProvider: Env.TimeProvider);

    /// <summary>Everything outside a request that shapes the answer: who serves which model, with what defaults and system prompt.</summary>
    private static string Scope(ModelSpec model, string? promptVersion) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["provider"] = model.Provider,
        ["base_url"] = model.BaseUrl?.ToString(),
        ["model"] = model.Model ?? model.Path,
        ["adapters"] = model.Adapters,
        ["temperature"] = model.Options.Temperature,
        ["top_p"] = model.Options.TopP,
        ["max_tokens"] = model.Options.MaxTokens,
        ["seed"] = model.Options.Seed,
        ["stop"] = model.Options.Stop,
        ["prompt"] = promptVersion,
    });

    private void Track(IChatClient client) => _clients.Add(client);

    /// <summary>A run by id, unique id prefix, or model alias (the newest completed run of that model, in <paramref name="suite"/> when given).</summary>
    public async Task<EvalRun> ResolveRunAsync(string reference, string? suite, CancellationToken ct)
    {
        // Aliases are lowercase spec ids and win over a lowercase-typed id prefix.
        if (Spec.Models.ContainsKey(reference))
        {
            string alias = reference;
            var latest = await Evals.ListRunsAsync(new EvalRunQuery { ModelAlias = alias, SuiteId = suite, Status = EvalRunStatus.Completed, Limit = 1 }, ct).FirstOrDefaultAsync(ct);
            return latest ?? throw new CliException($"no completed run of model '{alias}'{(suite is null ? "" : $" on suite '{suite}'")}",
                $"run one: tailor eval run --model {alias}{(suite is null ? "" : $" --suite {suite}")}");
        }

        return await Evals.GetRunAsync(reference, ct)
            ?? throw new CliException($"no eval run '{reference}' (or the prefix matches several)", "'tailor eval list' shows the runs; a model alias names its newest completed run");
    }

    /// <summary>Writes the report files asked for with --junit, --markdown, --html (paths relative to the working directory).</summary>
    public async Task WriteReportFilesAsync(EvalReport report, string? junit, string? markdown, string? html, CancellationToken ct)
    {
        if (junit is not null)
        {
            await using var stream = File.Create(Resolve(junit));
            await JUnitReportWriter.WriteAsync(report, Evals, stream, ct);
            Note("JUnit XML", junit);
        }

        if (markdown is not null)
        {
            await File.WriteAllTextAsync(Resolve(markdown), MarkdownReportWriter.Write(report), ct);
            Note("Markdown", markdown);
        }

        if (html is not null)
        {
            await File.WriteAllTextAsync(Resolve(html), HtmlReportWriter.Write(report), ct);
            Note("HTML report", html);
        }
    }

    public string Resolve(string path)
    {
        string full = Path.GetFullPath(Path.Combine(Env.WorkingDirectory, path));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    private void Note(string what, string path) =>
        Env.Error.MarkupLine($"[grey]{Markup.Escape($"{what} written to {path}")}[/]");

    public static string Number(double value, string format = "0.###") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await Recorder.DisposeAsync();
        }
        finally
        {
            await Evals.DisposeAsync();
            await Interactions.DisposeAsync();
        }
    }
}
