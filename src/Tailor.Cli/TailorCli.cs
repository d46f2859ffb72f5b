using System.CommandLine;
using System.Data.Common;
using Spectre.Console;
using Tailor.Cli.Commands;
using Tailor.Providers;
using Tailor.Store;

namespace Tailor.Cli;

/// <summary>The <c>tailor</c> command: builds the command tree and runs one invocation.</summary>
public static class TailorCli
{
    /// <summary><c>--project</c>: a tailor.yaml or the directory holding it; by default found upward from the working directory.</summary>
    public static Option<string?> ProjectOption { get; } = new("--project", "-p")
    {
        Description = "Path of tailor.yaml or of its directory (default: searched upward from the current directory)",
        Recursive = true,
    };

    public static RootCommand CreateRootCommand(CliEnvironment env)
    {
        var root = new RootCommand("Tailor: define, steer, evaluate, tune and ship an application on a custom LLM.");
        root.Options.Add(ProjectOption);
        root.Subcommands.Add(InitCommand.Create(env));
        root.Subcommands.Add(DemoCommand.Create(env));
        root.Subcommands.Add(SpecCommand.Create(env));
        root.Subcommands.Add(AskCommand.Create(env));
        root.Subcommands.Add(ChatCommand.Create(env));
        root.Subcommands.Add(ModerationCommand.Create(env));
        root.Subcommands.Add(ServeCommand.Create(env));
        root.Subcommands.Add(KeysCommand.Create(env));
        root.Subcommands.Add(LogsCommand.Create(env));
        root.Subcommands.Add(DataCommand.Create(env));
        root.Subcommands.Add(ModelCommand.Create(env));
        root.Subcommands.Add(EvalCommand.Create(env));
        root.Subcommands.Add(TuneCommand.Create(env));
        root.Subcommands.Add(ModelsCommand.Create(env));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        var root = CreateRootCommand(env);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                env.Error.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            }
            env.Error.MarkupLine("Run [bold]tailor --help[/] (or add --help to the command) to see its usage.");
            return ExitCodes.BadInput;
        }

        var config = new InvocationConfiguration
        {
            Output = env.Out.Profile.Out.Writer,
            Error = env.Error.Profile.Out.Writer,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C cancels the command's token; training needs time to write its checkpoint and say where. `serve`
            // leaves Ctrl+C and SIGTERM to its web host, which drains and exits 0: with both handling them, a SIGTERM
            // soon after start-up made System.CommandLine end the command with 143 (ServeProcessTests).
            ProcessTerminationTimeout = parse.CommandResult.Command.Name == "serve" ? null : TimeSpan.FromSeconds(30),
        };
        try
        {
            return await parse.InvokeAsync(config, cancellationToken);
        }
        catch (CliException ex)
        {
            WriteError(env, ex.Message, ex.Hint);
            return ex.ExitCode;
        }
        catch (ModelProviderException ex)
        {
            WriteError(env, ex.Message, ex.Hint);
            // No status means the request never left: configuration the user must fix.
            return ex.StatusCode is null or 400 or 401 or 403 or 404 ? ExitCodes.BadInput : ExitCodes.CheckFailed;
        }
        catch (StoreUnavailableException ex)
        {
            WriteError(env, ex.Message, StoreHint);
            return ExitCodes.CheckFailed;
        }
        catch (DbException ex)
        {
            // The store failed mid-command (file deleted or locked, disk full, server gone): say so, never a stack trace.
            WriteError(env, $"the store failed: {ex.Message}", StoreHint);
            return ExitCodes.CheckFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            env.Error.MarkupLine("[yellow]cancelled[/]");
            return 130;
        }
    }

    private const string StoreHint =
        "the store is the SQLite file under .tailor/ unless tailor.yaml's 'store:' says otherwise; check that it can be written and is not removed while a command runs";

    internal static void WriteError(CliEnvironment env, string message, string? hint)
    {
        env.Error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        if (!string.IsNullOrWhiteSpace(hint))
        {
            env.Error.MarkupLine($"  [grey]hint:[/] {Markup.Escape(hint)}");
        }
    }
}
