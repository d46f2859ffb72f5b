using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Tailor.Local.Tuning;
using Tailor.Store;
using Tailor.Tuning;
using Tailor.Tuning.Backends;
using Tailor.Tuning.Backends.Mistral;
using Tailor.Tuning.Backends.OpenAI;

namespace Tailor.Cli.Commands;

/// <summary>
/// What the <c>tailor tune</c> and <c>tailor models</c> commands share: the project, its store (jobs, registry, alias
/// changes; SQLite or PostgreSQL as the spec says), the job manager over the three backends, and path display.
/// </summary>
internal sealed partial class TuneWorkspace : IAsyncDisposable
{
    private readonly IGatewayStore _store;

    private TuneWorkspace(Project project, IGatewayStore store, TuningJobManager manager)
    {
        Project = project;
        _store = store;
        Manager = manager;
    }

    public Project Project { get; }

    public CliEnvironment Env => Project.Env;

    public TuningJobManager Manager { get; }

    public ITuningStore Store => (ITuningStore)_store;

    /// <param name="parse">The command line (for --project).</param>
    /// <param name="env">The environment.</param>
    /// <param name="prices">Price per million trained tokens by base model, from --price-per-million.</param>
    /// <param name="ct">Cancels opening the store.</param>
    public static async Task<TuneWorkspace> OpenAsync(ParseResult parse, CliEnvironment env, IReadOnlyDictionary<string, decimal>? prices, CancellationToken ct)
    {
        var project = Project.Load(parse, env);
        var store = await project.OpenGatewayStoreAsync(ct);
        if (store is not ITuningStore)
        {
            await store.DisposeAsync();
            throw new CliException($"the store at {project.Spec.Store.Provider} keeps no tuning jobs", "use the sqlite or postgres store");
        }

        var priced = prices ?? new Dictionary<string, decimal>();
        var mistral = MistralTuningBackend.Defaults(env.GetEnvironmentVariable) with { TimeProvider = env.TimeProvider, PricePerMillionTokens = priced };
        var openai = OpenAITuningBackend.Defaults(env.GetEnvironmentVariable) with { TimeProvider = env.TimeProvider, PricePerMillionTokens = priced };
        ITuningBackend[] backends =
        [
            new LocalTuningBackend(new LocalTuningOptions { TimeProvider = env.TimeProvider }),
            new MistralTuningBackend(mistral),
            new OpenAITuningBackend(openai),
        ];
        var manager = new TuningJobManager((ITuningStore)store, backends, new TuningManagerOptions
        {
            ProjectDirectory = project.Spec.ProjectDirectory,
            TimeProvider = env.TimeProvider,
            DisplayPath = full => Path.GetRelativePath(env.WorkingDirectory, full),
        });
        return new TuneWorkspace(project, store, manager);
    }

    /// <summary>A path as the user sees it: relative to the working directory.</summary>
    public string Display(string path) => Path.GetRelativePath(Env.WorkingDirectory, Path.GetFullPath(Path.Combine(Project.Spec.ProjectDirectory, path)));

    /// <summary>A path the user typed (relative to the working directory) as tailor.yaml writes it: relative to the project when inside it.</summary>
    public string FromUser(string path)
    {
        string full = Path.GetFullPath(Path.Combine(Env.WorkingDirectory, path));
        string relative = Path.GetRelativePath(Project.Spec.ProjectDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace('\\', '/');
    }

    /// <summary>Runs <paramref name="action"/> turning tuning failures into CLI errors with the right exit code.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (TuningException e)
        {
            throw new CliException(e.Message, e.Hint, e.IsInputError ? ExitCodes.BadInput : ExitCodes.CheckFailed);
        }
        catch (StoreUnavailableException e)
        {
            throw new CliException(e.Message, "check that the store is reachable", ExitCodes.CheckFailed);
        }
    }

    /// <summary><c>--interval</c>: seconds (<c>2</c>, <c>0.5</c>) or a number and a unit (<c>500ms</c>, <c>2s</c>, <c>1m</c>); null when not given.</summary>
    public static TimeSpan? ParseInterval(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = IntervalPattern().Match(text);
        if (!match.Success || double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) <= 0)
        {
            throw new CliException($"--interval: '{text}' is not an interval", "write seconds (2, 0.5) or a number and a unit: 500ms, 2s, 1m");
        }

        double amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
    }

    /// <summary>How often to ask when <c>--interval</c> is not given: the local worker's files are cheap to read; a vendor's API is not asked more than it needs.</summary>
    public static TimeSpan DefaultInterval(string backend) => backend == LocalTuningBackend.BackendName ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(15);

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IntervalPattern();

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();
}
