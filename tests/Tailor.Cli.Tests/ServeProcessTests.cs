using System.Diagnostics;
using System.Text;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor serve</c> run as a separate process (Linux): it starts over with a server's JIT settings (the same pid and
/// command line, the new environment, a gateway that answers), and SIGTERM stops it gracefully.
/// </summary>
public sealed class ServeProcessTests : IDisposable
{
    private const int SigTerm = 15;
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-serve-process-").FullName;
    private readonly List<Process> _started = [];

    public ServeProcessTests() => File.WriteAllText(Path.Combine(_dir, "tailor.yaml"), """
        name: restart
        models:
          upstream:
            provider: openai-compatible
            base_url: http://127.0.0.1:9/v1
            model: none
        routes:
          support: upstream
        """);

    public void Dispose()
    {
        // A failed assertion leaves its gateway running; it must not outlive the test.
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Serve_starts_over_in_the_same_process_with_a_servers_jit_settings_and_answers()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the restart uses execve and /proc (Linux)");
        var (process, address) = await StartServeAsync(tieredPgo: null);

        var environ = Environ(process);
        Assert.Contains("DOTNET_TieredPGO=1", environ, StringComparer.Ordinal);
        Assert.Contains("DOTNET_TC_CallCountThreshold=30", environ, StringComparer.Ordinal);
        Assert.Contains(environ, v => v.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Equal(["serve", "--url", "http://127.0.0.1:0", "--quiet"], CommandLine(process)[^4..]);
        await StopAsync(process, address);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task A_value_the_user_set_is_kept()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the environment is read from /proc (Linux)");
        var (process, address) = await StartServeAsync(tieredPgo: "0");

        var environ = Environ(process);
        Assert.Contains("DOTNET_TieredPGO=0", environ, StringComparer.Ordinal);
        Assert.DoesNotContain("DOTNET_TieredPGO=1", environ, StringComparer.Ordinal);
        Assert.Contains("DOTNET_TC_CallCountThreshold=30", environ, StringComparer.Ordinal);

        await StopAsync(process, address);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task A_SIGTERM_right_after_start_up_stops_the_gateway_gracefully_with_exit_code_0()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "signals are sent with kill (Linux)");
        // Several cycles: when System.CommandLine and the host both handled SIGTERM, an early one exited 143 about
        // every other time (and nearly always without the restart).
        for (int cycle = 0; cycle < 5; cycle++)
        {
            var (process, _) = await StartServeAsync(tieredPgo: null);

            await SignalAsync(process, SigTerm);

            Assert.True(process.ExitCode == 0, $"cycle {cycle}: exit code {process.ExitCode}");
        }
    }

    [Fact]
    public void The_command_line_is_read_as_NUL_terminated_UTF8_arguments()
    {
        var parsed = ProcessRestart.ParseCommandLine(Encoding.UTF8.GetBytes("dotnet\0/opt/t\u00e9/Tailor.Cli.dll\0serve\0\0--url\0"));

        Assert.Equal(["dotnet", "/opt/t\u00e9/Tailor.Cli.dll", "serve", "", "--url"], parsed);
        Assert.Equal(["last"], ProcessRestart.ParseCommandLine("last"u8));
        Assert.Empty(ProcessRestart.ParseCommandLine([]));
    }

    private async Task<(Process Process, Uri Address)> StartServeAsync(string? tieredPgo)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Tailor.Cli.dll"), "serve", "--url", "http://127.0.0.1:0", "--quiet" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DOTNET_TieredPGO");
        start.Environment.Remove("DOTNET_TC_CallCountThreshold");
        if (tieredPgo is not null)
        {
            start.Environment["DOTNET_TieredPGO"] = tieredPgo;
        }

        var process = Process.Start(start)!;
        _started.Add(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        string? line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        if (line is null || !line.StartsWith("listening on ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"the gateway did not start: '{line}'");
        }

        return (process, new Uri(line["listening on ".Length..].Trim()));
    }

    // Both files are NUL-terminated strings, read the way the restart reads its own command line.
    private static string[] Environ(Process process) => ProcessRestart.ParseCommandLine(File.ReadAllBytes($"/proc/{process.Id}/environ"));

    private static string[] CommandLine(Process process) => ProcessRestart.ParseCommandLine(File.ReadAllBytes($"/proc/{process.Id}/cmdline"));

    /// <summary>Checks the gateway answers, then stops it with SIGTERM: a graceful stop, which also shows signals reach the restarted program.</summary>
    private static async Task StopAsync(Process process, Uri address)
    {
        using (var http = new HttpClient())
        {
            var health = await http.GetAsync(new Uri(address, "healthz"), TestContext.Current.CancellationToken);
            Assert.True(health.IsSuccessStatusCode, $"healthz answered {(int)health.StatusCode}");
        }

        await SignalAsync(process, SigTerm);
    }

    private static async Task SignalAsync(Process process, int signal)
    {
        using (var kill = Process.Start("kill", $"-{signal} {process.Id}"))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
