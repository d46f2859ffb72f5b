using System.Diagnostics;

namespace Tailor.Cli.Tests;

/// <summary>The built <c>tailor</c> program run as a separate process, the way a new user runs it.</summary>
public sealed class NewUserProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-newuser-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Error)> TailorAsync(string workingDirectory, params string[] args)
    {
        // The CLI's build output sits next to the tests (a project reference copies it).
        string cli = Path.Combine(AppContext.BaseDirectory, "Tailor.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Init_then_spec_check_in_the_new_directory()
    {
        var init = await TailorAsync(_dir, "init", "demo-app");
        Assert.True(init.Exit == 0, init.Error);

        var check = await TailorAsync(Path.Combine(_dir, "demo-app"), "spec", "check");
        Assert.True(check.Exit == 0, check.Out + check.Error);
        Assert.Contains("is valid", check.Out, StringComparison.Ordinal);

        var help = await TailorAsync(_dir, "--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("init", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_spec_fails_the_check_with_exit_code_1()
    {
        File.WriteAllText(Path.Combine(_dir, "tailor.yaml"), "name: x\nobjectives:\n  - id: a\n     description: bad indent\n");

        var check = await TailorAsync(_dir, "spec", "check");

        Assert.Equal(1, check.Exit);
        Assert.Contains("tailor.yaml:4:", check.Out, StringComparison.Ordinal);
    }
}
