using System.CommandLine;
using Spectre.Console;

namespace Tailor.Cli.Demo;

/// <summary>Runs the demo's steps as the <c>tailor</c> commands a user would type, in the demo project, printing each one first.</summary>
internal sealed class DemoRun(CliEnvironment env, string projectDirectory)
{
    /// <summary>The environment of the steps: the same consoles, working in the demo project.</summary>
    public CliEnvironment Env { get; } = new()
    {
        Out = env.Out,
        Error = env.Error,
        In = TextReader.Null,
        WorkingDirectory = projectDirectory,
        GetEnvironmentVariable = env.GetEnvironmentVariable,
        TimeProvider = env.TimeProvider,
        Providers = env.Providers,
    };

    public void Step(int number, string title, string what)
    {
        env.Out.WriteLine();
        env.Out.Write(new Rule($"[bold]{number}. {Markup.Escape(title)}[/]").LeftJustified());
        env.Out.MarkupLine($"[grey]{Markup.Escape(what)}[/]");
    }

    /// <summary>Runs <c>tailor args</c>; a failure stops the demo.</summary>
    public Task<int> RunAsync(CancellationToken ct, params string[] args) => RunAsync(ct, allowFailure: false, args);

    public async Task<int> RunAsync(CancellationToken ct, bool allowFailure, params string[] args)
    {
        env.Out.MarkupLine($"[green]$[/] [bold]tailor {Markup.Escape(string.Join(' ', args.Select(Quote)))}[/]");
        int exit = await TailorCli.RunAsync(args, Env, ct);
        if (exit != ExitCodes.Ok && !allowFailure)
        {
            throw new CliException($"the demo stopped: 'tailor {string.Join(' ', args)}' exited with {exit}", "the output above says why");
        }
        return exit;
    }

    /// <summary>Parses <c>tailor args</c> in the demo project, for steps that call the library directly.</summary>
    public ParseResult Parse(params string[] args) => TailorCli.CreateRootCommand(Env).Parse(args);

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) || arg.Contains('?', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
}
