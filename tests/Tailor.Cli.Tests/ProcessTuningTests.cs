using Spectre.Console.Testing;

namespace Tailor.Cli.Tests;

public sealed class ProcessTuningTests
{
    [Theory]
    [InlineData(new[] { "serve" }, "70", true, true)]
    [InlineData(new[] { "serve", "--url", "http://127.0.0.1:0", "--quiet" }, "70", true, true)]
    [InlineData(new[] { "serve", "--no-inline-scheduling" }, "70", false, true)]
    [InlineData(new[] { "--project", "app", "serve" }, "70", true, true)]
    [InlineData(new[] { "-p", "app", "serve", "--no-inline-scheduling" }, "70", false, true)]
    [InlineData(new[] { "--project=app", "serve" }, "70", true, true)]
    [InlineData(new[] { "-p:app", "serve" }, "70", true, true)]
    [InlineData(new[] { "--project", "serve", "logs", "tail" }, null, false, false)]
    [InlineData(new[] { "eval", "run", "--suite", "serve" }, null, false, false)]
    [InlineData(new string[0], null, false, false)]
    public void Serve_gets_spinning_workers_inline_socket_completions_and_server_jit_settings_other_commands_keep_the_clis_defaults(
        string[] args, string? spinLimit, bool inlineSockets, bool serverJit)
    {
        var settings = ProcessTuning.For(args);

        Assert.Equal(spinLimit, settings.SpinLimit);
        Assert.Equal(inlineSockets, settings.InlineSocketCompletions);
        Assert.Equal(serverJit, settings.RuntimeEnvironment.Contains(new("DOTNET_TieredPGO", "1")));
        Assert.Equal(serverJit, settings.RuntimeEnvironment.Contains(new("DOTNET_TC_CallCountThreshold", "30")));
    }

    [Fact]
    public void The_only_option_before_a_subcommand_is_the_one_CommandOf_skips()
    {
        // ProcessTuning finds the subcommand before the command line is parsed; a new root option must be taught to it.
        var root = TailorCli.CreateRootCommand(new CliEnvironment { Out = new TestConsole(), Error = new TestConsole() });
        var options = root.Options.Where(o => o.Name is not ("--help" or "--version")).Select(o => o.Name).ToList();
        Assert.Equal(["--project"], options);
        Assert.Equal(["-p"], TailorCli.ProjectOption.Aliases);
    }
}
