using Spectre.Console;
using Tailor.Providers;

namespace Tailor.Cli;

/// <summary>
/// Everything a command touches outside itself: consoles, standard input, the working directory,
/// environment variables, the clock. Injected so tests run commands in-process and read what they print.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Standard output: tables, answers, JSON.</summary>
    public required IAnsiConsole Out { get; init; }

    /// <summary>Standard error: diagnostics and progress, so <c>--json</c> output stays clean.</summary>
    public required IAnsiConsole Error { get; init; }

    public TextReader In { get; init; } = Console.In;
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The model providers commands can build clients from.</summary>
    public ProviderRegistry Providers { get; init; } = CliProviders.CreateRegistry();

    /// <summary>The environment of a real process.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = AnsiConsole.Console,
        Error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }),
    };

    /// <summary>Writes text exactly as given (model output, JSON): never parsed as markup.</summary>
    public void WriteRaw(string text) => Out.Profile.Out.Writer.Write(text);

    public void WriteRawLine(string text = "") => Out.Profile.Out.Writer.WriteLine(text);
}
