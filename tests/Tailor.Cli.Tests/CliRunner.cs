using Spectre.Console.Testing;

namespace Tailor.Cli.Tests;

/// <summary>What a command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the <c>tailor</c> command in-process in a temporary working directory, with consoles and environment under test control.</summary>
internal sealed class CliRunner : IDisposable
{
    private readonly Dictionary<string, string?> _variables = new(StringComparer.Ordinal);

    public CliRunner()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tailor-cli-").FullName;
    }

    /// <summary>The working directory commands run in.</summary>
    public string Directory { get; }

    public CliRunner WithVariable(string name, string? value)
    {
        _variables[name] = value;
        return this;
    }

    public string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>Runs <paramref name="args"/> in <paramref name="workingDirectory"/> (the runner's own when null) with <paramref name="stdin"/> as standard input.</summary>
    public async Task<CliResult> RunWithInputAsync(string stdin, string? workingDirectory, params string[] args)
    {
        var output = new TestConsole().Width(200);
        var error = new TestConsole().Width(200);
        var env = new CliEnvironment
        {
            Out = output,
            Error = error,
            In = new StringReader(stdin),
            WorkingDirectory = workingDirectory ?? Directory,
            // Only what the test set: the machine's own keys never leak into a test.
            GetEnvironmentVariable = name => _variables.GetValueOrDefault(name),
        };
        int exit = await TailorCli.RunAsync(args, env, TestContext.Current.CancellationToken);
        return new CliResult(exit, output.Output, error.Output);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync("", null, args);

    /// <summary>Starts a command that runs until <paramref name="stop"/> fires (a follow); its output can be read meanwhile.</summary>
    public (Task<int> Exit, TestConsole Out) Start(CancellationToken stop, params string[] args)
    {
        var output = new TestConsole().Width(200);
        var env = new CliEnvironment
        {
            Out = output,
            Error = new TestConsole().Width(200),
            In = new StringReader(""),
            WorkingDirectory = Directory,
            GetEnvironmentVariable = name => _variables.GetValueOrDefault(name),
        };
        return (Task.Run(() => TailorCli.RunAsync(args, env, stop)), output);
    }

    public Task<CliResult> RunInAsync(string workingDirectory, params string[] args) => RunWithInputAsync("", workingDirectory, args);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
